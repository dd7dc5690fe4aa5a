package dev.headwater.lineage;

import java.util.Objects;

/**
 * What is the same for every record a producer writes under one contract version: who produced it and under which
 * contract and schema. In {@link LineageFormat#COMPACT lineage format 2} records refer to their producer's descriptor by
 * a 64-bit id instead of carrying it; the descriptor is published once (see {@link LineageDescriptors}). Empty strings
 * stand for what the producer did not know (a producer without a contract has no subject or schema).
 *
 * @param application the producing application's name
 * @param applicationVersion the application's version
 * @param tenant the producing tenant
 * @param owner the team that owns the data (the contract's owner)
 * @param type the event type: the contract's record name
 * @param subject the contract's registry subject
 * @param contractVersion the contract version
 * @param schemaId the registry's schema id the values are written with, or -1
 * @param dataSchema where the schema is: {@code {registry}/schemas/ids/{id}}
 * @param contentType the values' content type, such as {@code application/avro}
 */
public record LineageDescriptor(
        String application,
        String applicationVersion,
        String tenant,
        String owner,
        String type,
        String subject,
        String contractVersion,
        int schemaId,
        String dataSchema,
        String contentType) {

    /** Checks that no field is null. */
    public LineageDescriptor {
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(applicationVersion, "applicationVersion");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(contractVersion, "contractVersion");
        Objects.requireNonNull(dataSchema, "dataSchema");
        Objects.requireNonNull(contentType, "contentType");
    }

    /** @return the CloudEvents source of the producer: {@code /headwater/{application}} */
    public String source() {
        return LineageStamp.SOURCE_PREFIX + application;
    }
}
