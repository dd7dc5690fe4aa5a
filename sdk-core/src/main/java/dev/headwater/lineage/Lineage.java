package dev.headwater.lineage;

import dev.headwater.lineage.internal.FastText;
import dev.headwater.lineage.internal.HeaderValues;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The provenance of one record, as read from its lineage headers (see {@link LineageHeaders}).
 *
 * <p>Fields a producer did not write are empty strings (or {@code null} for {@code createdAt} when absent or unreadable),
 * so records produced by plain Kafka clients yield a lineage too, with only what is known.
 *
 * @param eventId the event id ({@code ce_id})
 * @param source the producing application ({@code ce_source})
 * @param type the event type ({@code ce_type})
 * @param createdAt when the record was created, or {@code null} when unknown
 * @param dataSchema the schema reference ({@code ce_dataschema})
 * @param applicationVersion the producing application's version
 * @param owner the owning team
 * @param tenant the producing tenant
 * @param subject the contract's registry subject
 * @param contractVersion the contract version
 * @param schemaId the registry schema id, or -1 when unknown
 * @param correlationId the correlation id of the flow
 * @param causationId what caused the record
 */
public record Lineage(
        String eventId,
        String source,
        String type,
        Instant createdAt,
        String dataSchema,
        String applicationVersion,
        String owner,
        String tenant,
        String subject,
        String contractVersion,
        int schemaId,
        String correlationId,
        String causationId) {

    /**
     * Reads the lineage of a record from its headers.
     *
     * @param headers the record's headers
     * @return the lineage; empty when the record carries no {@code ce_id} header at all
     */
    public static Optional<Lineage> from(Headers headers) {
        Objects.requireNonNull(headers, "headers");
        String id = HeaderValues.last(headers, LineageHeaders.ID);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        String time = HeaderValues.last(headers, LineageHeaders.TIME);
        Instant createdAt = null;
        if (!time.isEmpty()) {
            try {
                createdAt = Instant.parse(time);
            } catch (DateTimeParseException e) {
                createdAt = null;
            }
        }
        String correlation = HeaderValues.last(headers, LineageHeaders.CORRELATION_ID);
        int schemaId;
        try {
            String value = HeaderValues.last(headers, LineageHeaders.SCHEMA_ID);
            schemaId = value.isEmpty() ? -1 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            schemaId = -1;
        }
        return Optional.of(new Lineage(
                id,
                HeaderValues.last(headers, LineageHeaders.SOURCE),
                HeaderValues.last(headers, LineageHeaders.TYPE),
                createdAt,
                HeaderValues.last(headers, LineageHeaders.DATA_SCHEMA),
                HeaderValues.last(headers, LineageHeaders.APP_VERSION),
                HeaderValues.last(headers, LineageHeaders.OWNER),
                HeaderValues.last(headers, LineageHeaders.TENANT),
                HeaderValues.last(headers, LineageHeaders.SUBJECT),
                HeaderValues.last(headers, LineageHeaders.CONTRACT_VERSION),
                schemaId,
                correlation.isEmpty() ? id : correlation,
                HeaderValues.last(headers, LineageHeaders.CAUSATION_ID)));
    }

    /**
     * Reads only the creation time of a record from its {@code ce_time} header, without the rest of the lineage.
     *
     * @param headers the record's headers
     * @return epoch milliseconds, or -1 when absent or unreadable
     */
    public static long createdAtMillis(Headers headers) {
        Header header = headers.lastHeader(LineageHeaders.TIME);
        if (header == null || header.value() == null || header.value().length == 0) {
            return -1;
        }
        long fast = FastText.parseInstant(header.value());
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        try {
            return Instant.parse(new String(header.value(), StandardCharsets.UTF_8)).toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    /**
     * Reads only the correlation id of a record: {@code ce_correlationid}, or its {@code ce_id} when it started a flow.
     *
     * @param headers the record's headers
     * @return the correlation id; empty for records without lineage
     */
    public static Optional<String> correlationOf(Headers headers) {
        String correlation = HeaderValues.last(headers, LineageHeaders.CORRELATION_ID);
        if (!correlation.isEmpty()) {
            return Optional.of(correlation);
        }
        String id = HeaderValues.last(headers, LineageHeaders.ID);
        return id.isEmpty() ? Optional.empty() : Optional.of(id);
    }

    /**
     * Returns the producing application's name, taken from {@code ce_source} ({@code /headwater/{application}}).
     *
     * @return the application name, or the whole source when it does not have Headwater's form
     */
    public String application() {
        return source.startsWith(LineageStamp.SOURCE_PREFIX) ? source.substring(LineageStamp.SOURCE_PREFIX.length()) : source;
    }
}
