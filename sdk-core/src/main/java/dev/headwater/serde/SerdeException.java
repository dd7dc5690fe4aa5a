package dev.headwater.serde;

import dev.headwater.HeadwaterException;

/**
 * A record could not be serialized or deserialized: bytes not in the Confluent wire format (wrong magic byte, too
 * short), a schema id the registry does not know, corrupt or truncated Avro, or a value that does not fit its schema.
 * The message names the topic, and the partition and offset where known.
 */
public final class SerdeException extends HeadwaterException {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int schemaId;

    /**
     * Creates the exception.
     *
     * @param message what happened, to which topic, and what to do
     * @param topic the topic
     * @param schemaId the schema id read or used, or -1
     * @param cause the underlying failure, or null
     */
    public SerdeException(String message, String topic, int schemaId, Throwable cause) {
        super(message, cause);
        this.topic = topic;
        this.schemaId = schemaId;
    }

    /** @return the topic of the record */
    public String topic() {
        return topic;
    }

    /** @return the schema id read from or written to the record, or -1 when unknown */
    public int schemaId() {
        return schemaId;
    }
}
