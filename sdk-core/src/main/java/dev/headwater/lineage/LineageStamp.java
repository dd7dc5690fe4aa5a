package dev.headwater.lineage;

import dev.headwater.lineage.internal.FastText;
import dev.headwater.lineage.internal.HeaderValues;
import dev.headwater.lineage.internal.TimeOrderedUuid;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes lineage headers (see {@link LineageHeaders}) onto records. The headers that are the same for every record of a
 * producer and contract version (spec version, source, type, owner, tenant, subject, versions, schema) are encoded once,
 * when the stamp is built; per record only the event id, time, correlation and causation are encoded. A record that
 * starts a flow (no correlation id given) carries no {@code ce_correlationid}: its correlation id is its {@code ce_id}.
 *
 * <p>Headers the caller already set are kept: a lineage header the caller set is not overwritten. Thread safe.
 */
public final class LineageStamp {

    /** Prefix of {@code ce_source}: {@code /headwater/} followed by the application name. */
    public static final String SOURCE_PREFIX = "/headwater/";

    private final Header[] constantHeaders;
    private final Clock clock;

    private LineageStamp(Builder builder) {
        this.clock = builder.clock;
        List<Header> headers = new ArrayList<>();
        add(headers, LineageHeaders.SPEC_VERSION, LineageHeaders.CLOUDEVENTS_SPEC_VERSION);
        add(headers, LineageHeaders.LINEAGE_VERSION, LineageHeaders.FORMAT_VERSION);
        add(headers, LineageHeaders.SOURCE, SOURCE_PREFIX + builder.application);
        add(headers, LineageHeaders.TYPE, builder.type);
        add(headers, LineageHeaders.APP_VERSION, builder.applicationVersion);
        add(headers, LineageHeaders.OWNER, builder.owner);
        add(headers, LineageHeaders.TENANT, builder.tenant);
        add(headers, LineageHeaders.SUBJECT, builder.subject);
        add(headers, LineageHeaders.CONTRACT_VERSION, builder.contractVersion);
        if (builder.schemaId >= 0) {
            add(headers, LineageHeaders.SCHEMA_ID, Integer.toString(builder.schemaId));
        }
        add(headers, LineageHeaders.DATA_SCHEMA, builder.dataSchema);
        add(headers, LineageHeaders.CONTENT_TYPE, builder.contentType);
        this.constantHeaders = headers.toArray(Header[]::new);
    }

    /**
     * Returns a builder for a stamp of one application.
     *
     * @param application the producing application's name, such as {@code orders-service}
     * @return a new builder
     */
    public static Builder builder(String application) {
        return new Builder(application);
    }

    /**
     * Adds the lineage headers to a record's headers and returns the event id of the record.
     *
     * @param headers the record's headers, changed in place
     * @param correlationId the correlation id, or {@code null} to start a new flow (the event id becomes it)
     * @param causationId what caused this record, or {@code null}
     * @return the event id written (or kept, when the caller set {@code ce_id})
     */
    public String stamp(Headers headers, String correlationId, String causationId) {
        // the common case: the caller set no headers, so nothing needs checking before adding
        boolean empty = !headers.iterator().hasNext();
        String eventId = empty ? "" : HeaderValues.last(headers, LineageHeaders.ID);
        byte[] eventIdBytes;
        if (eventId.isEmpty()) {
            eventIdBytes = FastText.uuid(TimeOrderedUuid.next());
            eventId = new String(eventIdBytes, StandardCharsets.US_ASCII);
            headers.add(LineageHeaders.ID, eventIdBytes);
        } else {
            eventIdBytes = eventId.getBytes(StandardCharsets.UTF_8);
        }
        for (Header header : constantHeaders) {
            if (empty || headers.lastHeader(header.key()) == null) {
                headers.add(header);
            }
        }
        if (empty || headers.lastHeader(LineageHeaders.TIME) == null) {
            headers.add(LineageHeaders.TIME, FastText.instant(clock.millis()));
        }
        // a record that starts a flow carries no ce_correlationid: its correlation id is its ce_id (saves ~55 bytes)
        if (correlationId != null && (empty || headers.lastHeader(LineageHeaders.CORRELATION_ID) == null)) {
            headers.add(LineageHeaders.CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8));
        }
        if (causationId != null) {
            addIfAbsent(headers, LineageHeaders.CAUSATION_ID, causationId);
        }
        return eventId;
    }

    private static void addIfAbsent(Headers headers, String key, String value) {
        if (headers.lastHeader(key) == null) {
            headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void add(List<Header> headers, String key, String value) {
        if (value != null && !value.isEmpty()) {
            headers.add(new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Builds a {@link LineageStamp}. Not thread safe. */
    public static final class Builder {
        private final String application;
        private String applicationVersion = "";
        private String type = "";
        private String owner = "";
        private String tenant = "";
        private String subject = "";
        private String contractVersion = "";
        private String dataSchema = "";
        private String contentType = "";
        private int schemaId = -1;
        private Clock clock = Clock.systemUTC();

        private Builder(String application) {
            this.application = Objects.requireNonNull(application, "application");
            if (application.isBlank()) {
                throw new IllegalArgumentException("application must name the producing application, was blank");
            }
        }

        /** @param version the application's version @return this builder */
        public Builder applicationVersion(String version) {
            this.applicationVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** @param type the event type ({@code ce_type}) @return this builder */
        public Builder type(String type) {
            this.type = Objects.requireNonNull(type, "type");
            return this;
        }

        /** @param owner the owning team @return this builder */
        public Builder owner(String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        /** @param tenant the producing tenant @return this builder */
        public Builder tenant(String tenant) {
            this.tenant = Objects.requireNonNull(tenant, "tenant");
            return this;
        }

        /**
         * Sets the contract the records follow.
         *
         * @param subject the registry subject
         * @param version the contract version
         * @return this builder
         */
        public Builder contract(String subject, String version) {
            this.subject = Objects.requireNonNull(subject, "subject");
            this.contractVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /**
         * Sets the registry schema the values are written with.
         *
         * @param registryUrl the registry's base URL, used to form {@code ce_dataschema}; may be empty
         * @param schemaId the global schema id
         * @return this builder
         */
        public Builder schema(String registryUrl, int schemaId) {
            this.schemaId = schemaId;
            this.dataSchema = registryUrl == null || registryUrl.isEmpty()
                    ? "" : registryUrl.replaceAll("/+$", "") + "/schemas/ids/" + schemaId;
            return this;
        }

        /** @param contentType the value's content type, such as {@code application/avro} @return this builder */
        public Builder contentType(String contentType) {
            this.contentType = Objects.requireNonNull(contentType, "contentType");
            return this;
        }

        /** @param clock the clock for {@code ce_time}; the UTC system clock by default @return this builder */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return a new stamp */
        public LineageStamp build() {
            return new LineageStamp(this);
        }
    }
}
