package dev.headwater.lineage;

import dev.headwater.lineage.internal.CompactLineage;
import dev.headwater.lineage.internal.FastText;
import dev.headwater.lineage.internal.HeaderValues;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The provenance of one record, as read from its lineage (see {@link LineageHeaders}), in either format: format 2
 * ({@link LineageFormat#COMPACT}) with its producer's {@link LineageDescriptor} found through
 * {@link LineageDescriptors}, or format 1 (CloudEvents headers).
 *
 * <p>Fields a record does not tell are empty strings (or {@code null} for {@code createdAt}, -1 for
 * {@code schemaId}), so records produced by plain Kafka clients, and format 2 records whose descriptor cannot be
 * found ({@code complete} false), yield a lineage too, with what is known.
 *
 * @param eventId the event id ({@code ce_id}; in format 2 the descriptor id and the event's sequence number)
 * @param source the producing application ({@code ce_source})
 * @param type the event type ({@code ce_type})
 * @param createdAt when the record was created (format 2: its Kafka timestamp), or {@code null} when unknown
 * @param dataSchema the schema reference ({@code ce_dataschema})
 * @param applicationVersion the producing application's version
 * @param owner the owning team
 * @param tenant the producing tenant
 * @param subject the contract's registry subject
 * @param contractVersion the contract version
 * @param schemaId the registry schema id, or -1 when unknown
 * @param correlationId the correlation id of the flow
 * @param causationId what caused the record
 * @param format the lineage format the record was written in: 1 (CloudEvents headers) or 2 (compact)
 * @param complete false when the record's descriptor could not be found, so only the event id, time, correlation and
 *     causation are known
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
        String causationId,
        int format,
        boolean complete) {

    private static final LineageDescriptor UNKNOWN = new LineageDescriptor("", "", "", "", "", "", "", -1, "", "");

    /**
     * Reads the lineage of a consumed record, finding the descriptor of a format 2 record through a finder.
     *
     * @param record the record
     * @param descriptors finds format 2 descriptors; {@link LineageDescriptors#none()} to use only what records carry
     * @return the lineage; empty when the record carries none
     */
    public static Optional<Lineage> from(ConsumerRecord<?, ?> record, LineageDescriptors descriptors) {
        Objects.requireNonNull(record, "record");
        return read(record.headers(), record.timestamp(), descriptors);
    }

    /**
     * Reads the lineage a consumed record carries, without looking up descriptors: complete for format 1 and for
     * format 2 records that carry their descriptor inline.
     *
     * @param record the record
     * @return the lineage; empty when the record carries none
     */
    public static Optional<Lineage> from(ConsumerRecord<?, ?> record) {
        return from(record, LineageDescriptors.none());
    }

    /**
     * Reads the lineage in a record's headers alone. A format 2 record's creation time is its Kafka timestamp, which
     * headers do not hold: prefer {@link #from(ConsumerRecord, LineageDescriptors)}.
     *
     * @param headers the record's headers
     * @return the lineage; empty when the headers carry none
     */
    public static Optional<Lineage> from(Headers headers) {
        return read(headers, -1, LineageDescriptors.none());
    }

    /**
     * Reads the lineage in a record's headers.
     *
     * @param headers the record's headers
     * @param timestamp the record's Kafka timestamp in epoch milliseconds (a format 2 record's creation time), or a
     *     negative number when unknown
     * @param descriptors finds format 2 descriptors
     * @return the lineage; empty when the headers carry none (neither {@code hw} nor {@code ce_id})
     */
    public static Optional<Lineage> read(Headers headers, long timestamp, LineageDescriptors descriptors) {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(descriptors, "descriptors");
        CompactLineage.Value compact = compact(headers);
        if (compact != null) {
            LineageDescriptor descriptor = compact.descriptor();
            if (descriptor != null) {
                descriptors.learn(compact.descriptorId(), descriptor);
            } else {
                descriptor = descriptors.find(compact.descriptorId()).orElse(null);
            }
            LineageDescriptor known = descriptor == null ? UNKNOWN : descriptor;
            String eventId = compact.eventId();
            // a value of a later version whose flow this reader cannot read: correlation and causation unknown
            String correlation = compact.flowUnknown() ? "" : compact.correlationId() != null
                    ? compact.correlationId() : eventId;
            return Optional.of(new Lineage(eventId, descriptor == null ? "" : descriptor.source(), known.type(),
                    timestamp < 0 ? null : Instant.ofEpochMilli(timestamp), known.dataSchema(),
                    known.applicationVersion(), known.owner(), known.tenant(), known.subject(),
                    known.contractVersion(), known.schemaId(), correlation,
                    compact.causationId() != null ? compact.causationId() : "", CompactLineage.FORMAT,
                    descriptor != null && !compact.flowUnknown()));
        }
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
                HeaderValues.last(headers, LineageHeaders.CAUSATION_ID),
                1,
                true));
    }

    /** @return the format 2 lineage of the headers, or null when they have none (or a malformed one) */
    private static CompactLineage.Value compact(Headers headers) {
        Header header = headers.lastHeader(LineageHeaders.COMPACT);
        if (header == null || !CompactLineage.isCompact(header.value())) {
            return null;
        }
        try {
            return CompactLineage.read(header.value());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Reads only the creation time of a consumed record, without the rest of its lineage: the Kafka timestamp of a
     * format 2 record, the {@code ce_time} of a format 1 record.
     *
     * @param record the record
     * @return epoch milliseconds, or -1 when the record has no lineage or its time is unreadable
     */
    public static long createdAtMillis(ConsumerRecord<?, ?> record) {
        Header compact = record.headers().lastHeader(LineageHeaders.COMPACT);
        if (compact != null && CompactLineage.isCompact(compact.value())) {
            return record.timestamp();
        }
        return createdAtMillis(record.headers());
    }

    /**
     * Reads only the creation time of a format 1 record from its {@code ce_time} header, without the rest of the
     * lineage; see {@link #createdAtMillis(ConsumerRecord)} for records of both formats.
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
     * Reads only the correlation id of a record: the one it carries, or its own event id when it started a flow.
     *
     * @param headers the record's headers
     * @return the correlation id; empty for records without lineage
     */
    public static Optional<String> correlationOf(Headers headers) {
        Header compact = headers.lastHeader(LineageHeaders.COMPACT);
        if (compact != null && CompactLineage.isCompact(compact.value())) {
            try {
                return Optional.of(CompactLineage.correlationOf(compact.value()));
            } catch (IllegalArgumentException malformed) {
                // read as a record without format 2 lineage
            }
        }
        String correlation = HeaderValues.last(headers, LineageHeaders.CORRELATION_ID);
        if (!correlation.isEmpty()) {
            return Optional.of(correlation);
        }
        String id = HeaderValues.last(headers, LineageHeaders.ID);
        return id.isEmpty() ? Optional.empty() : Optional.of(id);
    }

    /**
     * Tells whether a record carries its lineage descriptor inline (lineage format 2, written while its producer could
     * not publish the descriptor to the descriptor topic) instead of referring to it by id: about 150 header bytes
     * more. Records of format 1 carry everything in their {@code ce_*} headers and are not counted here.
     *
     * @param headers the record's headers
     * @return true for a format 2 record that carries its descriptor; false otherwise (malformed {@code hw} included)
     */
    public static boolean carriesDescriptorInline(Headers headers) {
        Header compact = headers.lastHeader(LineageHeaders.COMPACT);
        if (compact == null || !CompactLineage.isCompact(compact.value())) {
            return false;
        }
        try {
            CompactLineage.Value value = CompactLineage.read(compact.value());
            return value.descriptor() != null || value.descriptorUnknown();
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /**
     * Reads only the event id of a record, without the rest of its lineage: for the {@code messaging.message.id} of a
     * consumer's span.
     *
     * @param headers the record's headers
     * @return the event id; empty for records without lineage, or with a malformed {@code hw} header
     */
    public static Optional<String> eventIdOf(Headers headers) {
        Header compact = headers.lastHeader(LineageHeaders.COMPACT);
        if (compact != null && CompactLineage.isCompact(compact.value())) {
            try {
                return Optional.of(CompactLineage.eventIdOf(compact.value()));
            } catch (IllegalArgumentException malformed) {
                return Optional.empty();
            }
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
