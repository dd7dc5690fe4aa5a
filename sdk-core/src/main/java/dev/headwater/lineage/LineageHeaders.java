package dev.headwater.lineage;

/**
 * Names of the Kafka record headers Headwater writes on records, in both lineage formats (see {@link LineageFormat}).
 *
 * <p>Format 2 ({@link LineageFormat#COMPACT}, the default) writes one header, {@link #COMPACT}, whose binary layout the
 * README's "Lineage" section documents; the facts that are the same for every record of a producer are in its
 * {@link LineageDescriptor}, published once. Format 1 ({@link LineageFormat#CLOUDEVENTS}) writes the other headers
 * below. Both leave trace context to the W3C {@code traceparent} and {@code tracestate} headers.
 *
 * <p>Format 1 headers follow the CloudEvents 1.0 Kafka protocol binding in binary content mode: the required attributes
 * ({@code ce_specversion}, {@code ce_id}, {@code ce_source}, {@code ce_type}) and the optional {@code ce_time} and
 * {@code ce_dataschema} are the CloudEvents ones, and Headwater's own facts are CloudEvents extension attributes (lower
 * case letters and digits, prefixed {@code ce_}), so any CloudEvents-aware consumer reads them. Trace context travels in
 * the W3C {@code traceparent} and {@code tracestate} headers, written by the OpenTelemetry propagator. Values are UTF-8
 * strings.
 */
public final class LineageHeaders {

    /**
     * Lineage format 2: the event id (descriptor id and sequence), and for derived events the correlation and
     * causation, in at most 16 bytes of key and value for a record that starts a flow.
     */
    public static final String COMPACT = "hw";

    /** CloudEvents spec version, always {@code 1.0}. */
    public static final String SPEC_VERSION = "ce_specversion";
    /** Event id: a time-ordered UUID (version 7), unique per record. */
    public static final String ID = "ce_id";
    /** Producing application, as a URI reference: {@code /headwater/{application}}. */
    public static final String SOURCE = "ce_source";
    /** Event type: the contract's record name, or the topic when there is no contract. */
    public static final String TYPE = "ce_type";
    /** Creation time, RFC 3339 (ISO-8601) in UTC. */
    public static final String TIME = "ce_time";
    /** The schema of the data: {@code {registry}/schemas/ids/{id}} or the subject and version. */
    public static final String DATA_SCHEMA = "ce_dataschema";
    /** Content type of the value, such as {@code application/avro}. */
    public static final String CONTENT_TYPE = "content-type";

    /** Extension: version of the lineage header format, {@code 1}. */
    public static final String LINEAGE_VERSION = "ce_hwlineage";
    /** Extension: version of the producing application. */
    public static final String APP_VERSION = "ce_hwappversion";
    /** Extension: the team that owns the data (the contract's owner). */
    public static final String OWNER = "ce_hwowner";
    /** Extension: the tenant that produced the record. */
    public static final String TENANT = "ce_hwtenant";
    /** Extension: the contract's registry subject. */
    public static final String SUBJECT = "ce_hwsubject";
    /** Extension: the contract version. */
    public static final String CONTRACT_VERSION = "ce_hwcontractversion";
    /** Extension: the registry's global schema id the value was written with. */
    public static final String SCHEMA_ID = "ce_hwschemaid";
    /**
     * Extension: correlation id shared by every record of one business flow. Absent on the record that starts a flow:
     * its correlation id is its own {@code ce_id}.
     */
    public static final String CORRELATION_ID = "ce_correlationid";
    /** Extension: what caused this record: {@code topic/partition/offset} of the consumed record, or its event id. */
    public static final String CAUSATION_ID = "ce_causationid";

    /** The CloudEvents spec version Headwater writes. */
    public static final String CLOUDEVENTS_SPEC_VERSION = "1.0";
    /** The version of the CloudEvents lineage format, written in {@link #LINEAGE_VERSION}. */
    public static final String FORMAT_VERSION = "1";

    private LineageHeaders() {
    }
}
