package dev.headwater.lineage;

import java.util.Locale;
import java.util.Objects;

/**
 * How a producer writes a record's lineage. Consumers read both, also mixed on one topic.
 */
public enum LineageFormat {

    /**
     * Lineage format 2, the default: one header, {@value LineageHeaders#COMPACT} (see {@link LineageHeaders}), of at
     * most 16 bytes of key and value per record, holding what varies per record (an event id unique within its
     * producer, and for derived events the correlation and causation). What is the same for every record of a
     * producer (application and version, tenant, owner, contract, schema, type) is its {@link LineageDescriptor},
     * published once to a compacted topic and found by consumers through {@link LineageDescriptors}; the creation
     * time is the record's Kafka timestamp.
     */
    COMPACT,

    /**
     * Lineage format 1: CloudEvents 1.0 binary mode, every attribute in a header of its own ({@code ce_id},
     * {@code ce_source}, {@code ce_type}, {@code ce_time}, ... see {@link LineageHeaders}), about 400 bytes per
     * record; for consumers that read CloudEvents.
     */
    CLOUDEVENTS;

    /**
     * Reads a format from its name, as given in configuration.
     *
     * @param name {@code compact} or {@code cloudevents}, in any case
     * @return the format
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    public static LineageFormat parse(String name) {
        Objects.requireNonNull(name, "name");
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown lineage format '" + name + "': use compact (format 2, the "
                    + "default) or cloudevents (format 1)", e);
        }
    }
}
