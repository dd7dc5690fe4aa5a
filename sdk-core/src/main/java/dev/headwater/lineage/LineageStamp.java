package dev.headwater.lineage;

import dev.headwater.lineage.internal.CompactLineage;
import dev.headwater.lineage.internal.FastText;
import dev.headwater.lineage.internal.HeaderValues;
import dev.headwater.lineage.internal.TimeOrderedUuid;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes a record's lineage onto its headers, in the producer's {@link LineageFormat}.
 *
 * <p>{@link LineageFormat#COMPACT Format 2} (the default) writes one {@value LineageHeaders#COMPACT} header: the
 * producer's descriptor id and the event's sequence number within the producer, plus, for a derived event, its
 * correlation and causation. Until {@link #descriptorPublished()} is called the header also carries the
 * {@link #descriptor()} inline, so that no record ever points to a descriptor that cannot be found.
 *
 * <p>{@link LineageFormat#CLOUDEVENTS Format 1} writes CloudEvents binary-mode headers (see {@link LineageHeaders});
 * those that are the same for every record of a producer are encoded once, when the stamp is built. A record that
 * starts a flow (no correlation id given) carries no {@code ce_correlationid}: its correlation id is its {@code ce_id}.
 *
 * <p>Lineage the caller already set on a record is kept, not overwritten. Thread safe.
 */
public final class LineageStamp {

    /** Prefix of {@code ce_source}: {@code /headwater/} followed by the application name. */
    public static final String SOURCE_PREFIX = "/headwater/";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LineageFormat format;
    private final LineageDescriptor descriptor;
    private final long descriptorId;
    private final Header[] constantHeaders;
    private final CompactLineage.Writer compact;
    private final AtomicLong sequence = new AtomicLong();
    private final Clock clock;
    private volatile boolean inline = true;

    private LineageStamp(Builder builder) {
        this.clock = builder.clock;
        this.format = builder.format;
        this.descriptor = new LineageDescriptor(builder.application, builder.applicationVersion, builder.tenant,
                builder.owner, builder.type, builder.subject, builder.contractVersion, builder.schemaId,
                builder.dataSchema, builder.contentType);
        this.descriptorId = builder.descriptorId != null ? builder.descriptorId : RANDOM.nextLong();
        this.compact = new CompactLineage.Writer(descriptorId, descriptor);
        List<Header> headers = new ArrayList<>();
        add(headers, LineageHeaders.SPEC_VERSION, LineageHeaders.CLOUDEVENTS_SPEC_VERSION);
        add(headers, LineageHeaders.LINEAGE_VERSION, LineageHeaders.FORMAT_VERSION);
        add(headers, LineageHeaders.SOURCE, descriptor.source());
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

    /** @return the format this stamp writes */
    public LineageFormat format() {
        return format;
    }

    /** @return what is the same for every record of this stamp */
    public LineageDescriptor descriptor() {
        return descriptor;
    }

    /** @return the id format 2 records refer to the {@link #descriptor()} by; random per stamp unless set */
    public long descriptorId() {
        return descriptorId;
    }

    /**
     * Says that the descriptor is published (acknowledged on the descriptor topic): format 2 records stamped from now
     * on refer to it instead of carrying it.
     */
    public void descriptorPublished() {
        inline = false;
    }

    /** @return how many bytes the descriptor adds to a format 2 record that carries it inline */
    public int inlineDescriptorBytes() {
        return compact.inlineBytes();
    }

    /** @return true while format 2 records carry the descriptor inline */
    public boolean carriesDescriptorInline() {
        return inline;
    }

    /**
     * Adds the lineage to a record's headers and returns the event id of the record.
     *
     * @param headers the record's headers, changed in place
     * @param correlationId the correlation id, or {@code null} to start a new flow (the event id becomes it)
     * @param causationId what caused this record, or {@code null}
     * @return the event id written (or kept, when the caller set it)
     */
    public String stamp(Headers headers, String correlationId, String causationId) {
        // the common case: the caller set no headers, so nothing needs checking before adding
        boolean empty = !headers.iterator().hasNext();
        if (format == LineageFormat.COMPACT) {
            if (!empty) {
                Header set = headers.lastHeader(LineageHeaders.COMPACT);
                if (set != null && CompactLineage.isCompact(set.value())) {
                    try {
                        return CompactLineage.read(set.value()).eventId();
                    } catch (IllegalArgumentException malformed) {
                        // not a lineage the caller meant to keep: the header added below is the one readers take
                    }
                }
            }
            long number = sequence.getAndIncrement();
            headers.add(LineageHeaders.COMPACT, compact.write(number, correlationId, causationId, inline));
            return compact.eventId(number);
        }
        return stampCloudEvents(headers, empty, correlationId, causationId);
    }

    private String stampCloudEvents(Headers headers, boolean empty, String correlationId, String causationId) {
        String eventId = empty ? "" : HeaderValues.last(headers, LineageHeaders.ID);
        if (eventId.isEmpty()) {
            byte[] eventIdBytes = FastText.uuid(TimeOrderedUuid.next());
            eventId = new String(eventIdBytes, StandardCharsets.US_ASCII);
            headers.add(LineageHeaders.ID, eventIdBytes);
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
        private LineageFormat format = LineageFormat.COMPACT;
        private Long descriptorId;

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

        /** @param format the format to write; {@link LineageFormat#COMPACT} by default @return this builder */
        public Builder format(LineageFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * Sets the descriptor id instead of a random one. Two producers must never share an id unless they share the
         * descriptor and never write the same sequence numbers: leave it random outside tests.
         *
         * @param id the id
         * @return this builder
         */
        public Builder descriptorId(long id) {
            this.descriptorId = id;
            return this;
        }

        /** @param clock the clock for {@code ce_time} (format 1); the UTC system clock by default @return this builder */
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
