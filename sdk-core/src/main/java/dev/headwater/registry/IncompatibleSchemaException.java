package dev.headwater.registry;

import java.util.List;

/** The registry refused a schema because it is incompatible with earlier versions of the subject (HTTP 409). */
public final class IncompatibleSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    private final List<String> reasons;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do
     * @param url the URL asked
     * @param registryMessage the registry's message
     * @param reasons each incompatibility the registry listed
     */
    public IncompatibleSchemaException(String message, String url, String registryMessage, List<String> reasons) {
        super(message, 409, INCOMPATIBLE_SCHEMA, url, registryMessage, null);
        this.reasons = List.copyOf(reasons);
    }

    /** @return each incompatibility the registry listed */
    public List<String> reasons() {
        return reasons;
    }
}
