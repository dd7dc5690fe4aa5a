package dev.headwater.governance;

import dev.headwater.HeadwaterException;
import dev.headwater.contract.ContractValidator;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.FailurePolicy;
import dev.headwater.contract.OnFailure;
import dev.headwater.contract.Violation;
import dev.headwater.deadletter.internal.DeadLetterRecords;
import dev.headwater.governance.internal.WriteTelemetry;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.DatasetUse;
import dev.headwater.lineage.DescriptorPublisher;
import dev.headwater.lineage.LineageContext;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.lineage.LineageStamp;
import dev.headwater.lineage.internal.CompactLineage;
import dev.headwater.protection.ProtectionException;
import dev.headwater.protection.internal.FieldProtector;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;
import dev.headwater.serde.SerdeException;
import dev.headwater.serde.internal.AvroWireWriter;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.tenant.TenantQuotas;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the {@link WritePipeline} for one contract (or none), prepared once: guardrail, rules, serializer,
 * lineage stamp with its descriptor publisher, size limit, quota, telemetry. Thread safe.
 */
final class WriteSteps implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WriteSteps.class);
    /** How long building a producer waits for its lineage descriptor to be acknowledged. */
    static final Duration DESCRIPTOR_WAIT = Duration.ofSeconds(10);

    /** Kafka's record batch overhead (magic 2): what one record alone in a batch costs besides itself. */
    private static final int BATCH_OVERHEAD = 61;
    /** Kafka's largest per-record overhead: length, attributes, timestamp and offset deltas, key length. */
    private static final int RECORD_OVERHEAD = 21;
    /** The longest varint of an int. */
    private static final int VARINT = 5;

    private final GovernanceSettings settings;
    private final DataContract contract;
    private final FailurePolicy failurePolicy;
    private final ContractValidator validator;
    /** The write rules observed where this client runs; null when every rule is enforced. */
    private final ObservedRules observed;
    private final AvroWireWriter contractWriter;
    /** Seals and tokenizes the contract's protected fields; null when it protects none. */
    private final FieldProtector protector;
    private final LineageStamp lineage;
    private final WriteTelemetry telemetry;
    private final TenantQuotas quota;
    /** The lease of the application's descriptor publisher; null in lineage format 1. */
    private final DescriptorPublisher.Lease descriptorPublisher;
    private final int maxRequestSize;
    private final Map<String, Boolean> permittedTopics = new ConcurrentHashMap<>();
    /** The topics written so far, each reported to the dataset events once. */
    private final Set<String> topicsInUse = ConcurrentHashMap.newKeySet();

    WriteSteps(GovernanceSettings settings, DataContract contract, FailurePolicy failurePolicy,
            LineageFormat lineageFormat) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.contract = contract == null ? null : RuleRollout.settle(settings.registry(), contract);
        this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
        TenantPolicy policy = settings.tenantPolicy();
        this.quota = policy == null ? null : settings.sharedResources().produceQuota(policy).orElse(null);
        LineageStamp.Builder stamp = LineageStamp.builder(settings.application())
                .applicationVersion(settings.applicationVersion()).tenant(settings.tenant()).format(lineageFormat);
        contract = this.contract;
        this.observed = ObservedRules.of(contract, settings, true);
        if (contract != null) {
            this.validator = contract.writeValidator();
            int schemaId = register(settings, contract);
            this.contractWriter = new AvroWireWriter(schemaId, contract.subject(), contract.schema());
            this.protector = FieldProtector.of(contract, settings.fieldProtection());
            stamp.type(contract.schema().getFullName()).owner(contract.owner().team())
                    .contract(contract.subject(), contract.version())
                    .schema(settings.registry().urls().get(0).toString(), schemaId)
                    .contentType("application/avro");
        } else {
            this.validator = null;
            this.contractWriter = null;
            this.protector = null;
        }
        this.lineage = stamp.build();
        this.maxRequestSize = intSetting(settings.kafka(), ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024);
        this.telemetry = new WriteTelemetry(settings.openTelemetry(), settings.clientId(), settings.tenant(),
                contract == null ? "" : contract.subject(), contract == null ? "" : contract.version(),
                settings.application(), settings.applicationVersion());
        if (quota != null) {
            telemetry.observeQuota(settings.sharedResources(), quota);
        }
        if (lineage.format() == LineageFormat.COMPACT) {
            telemetry.observeLineage(lineage::carriesDescriptorInline);
            this.descriptorPublisher = settings.sharedResources().descriptorPublisher(settings.kafka());
            publishDescriptor(settings.descriptorTopic());
        } else {
            this.descriptorPublisher = null;
        }
    }

    /**
     * Publishes the lineage descriptor before the first record is stamped, as the schema is registered: the build waits
     * for it up to {@link #DESCRIPTOR_WAIT}, and records refer to it from the first. A descriptor not acknowledged by
     * then is carried inline until it is; one that cannot be published is carried inline for good, logged once, and
     * counted.
     */
    private void publishDescriptor(String topic) {
        CompletableFuture<Void> published = descriptorPublisher.publish(topic,
                lineage.descriptorId(), lineage.descriptor());
        published.whenComplete((ok, error) -> {
            if (error == null) {
                lineage.descriptorPublished();
            } else {
                String why = DescriptorPublisher.describe(error);
                log.warn("Could not publish the lineage descriptor {} of application '{}' to topic '{}' ({}). Its "
                        + "records carry the descriptor inline instead, about {} bytes more each; nothing is lost. "
                        + "Create the topic (compacted; TenantProvisioner.provisionLineageTopic in headwater-pipeline), "
                        + "grant this application write access to it, or choose another with "
                        + "headwater.lineage.descriptor.topic.", CompactLineage.hex(
                        lineage.descriptorId()), settings.application(), topic, why,
                        lineage.inlineDescriptorBytes());
                telemetry.lineageNotPublished();
            }
        });
        try {
            published.get(DESCRIPTOR_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // logged above when it failed; still under way otherwise: records carry the descriptor until it is done
        }
    }

    private static int register(GovernanceSettings settings, DataContract contract) {
        SchemaRegistryClient registry = settings.registry();
        try {
            return registry.register(contract.subject(), contract.toSchemaDefinition(), false);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == SchemaRegistryException.INCOMPATIBLE_SCHEMA) {
                // a breaking change the registry refused: the scorecard's evolution counts them per contract version
                settings.openTelemetry().meterBuilder(WriteTelemetry.SCOPE)
                        .setSchemaUrl(dev.headwater.telemetry.MessagingAttributes.SCHEMA_URL).build()
                        .counterBuilder("headwater.contract.registrations.refused").setUnit("{registration}")
                        .setDescription("Contract versions the schema registry refused as incompatible when a "
                                + "producer was built")
                        .build().add(1, io.opentelemetry.api.common.Attributes.builder()
                                .put(dev.headwater.telemetry.MessagingAttributes.CONTRACT, contract.subject())
                                .put(dev.headwater.telemetry.MessagingAttributes.CONTRACT_VERSION,
                                        contract.version())
                                .put(dev.headwater.telemetry.MessagingAttributes.APPLICATION,
                                        settings.application())
                                .put(dev.headwater.telemetry.MessagingAttributes.APPLICATION_VERSION,
                                        settings.applicationVersion()).build());
            }
            throw new HeadwaterException("Could not register contract " + contract.subject() + " version "
                    + contract.version() + " with the schema registry: " + e.getMessage(), e);
        }
    }

    /**
     * Governs one record and decides what becomes of it. Never throws for the record's sake: a refusal is a
     * {@link Write} whose {@link Write#error()} the route gives its caller.
     *
     * @param topic the topic the record is meant for
     * @param headers the record's headers, to be written (changed in place: lineage, trace context, dead-letter
     *     headers); pass a copy when the caller's must stay as they are
     * @param value the value, may be null
     * @param valueSerializer serializes the value without a contract; ignored with one
     * @param <V> the value type
     * @return the decision: a record to send or dead-letter, or a refusal
     */
    <V> Write write(String topic, Headers headers, V value, Serializer<V> valueSerializer) {
        List<Violation> violations = List.of();
        List<Violation> found = null;
        Span span = null;
        try {
            checkGuardrail(topic);
            if (validator != null && value != null) {
                violations = validator.validate(value);
                if (observed != null && !violations.isEmpty()) {
                    found = violations;
                    violations = observed.enforced(topic, violations, this::wouldDo);
                }
                if (!violations.isEmpty() && !deadLetters(violations)) {
                    ContractViolationException refusal = new ContractViolationException(topic, contract.subject(),
                            contract.version(), violations);
                    telemetry.refused(topic, violations);
                    return Write.refused(this, topic, refusal, violations);
                }
            }
            byte[] bytes = serialize(topic, headers, value, valueSerializer);
            LineageContext context = LineageContext.current().orElse(null);
            String eventId = lineage.stamp(headers, context == null ? null : context.correlationId(),
                    context == null ? null : context.causationId());
            if (found != null) {
                observed.sample(topic, found, Map.of("eventId", eventId));
            }
            String target = topic;
            if (!violations.isEmpty()) {
                telemetry.violations(topic, violations);
                target = contract.deadLetterTopic();
                DeadLetterRecords.mark(headers, new DeadLetterRecords.Reason("CONTRACT_VIOLATION",
                        new ContractViolationException(topic, contract.subject(), contract.version(), violations),
                        violations, contract.subject() + "@" + contract.version(), settings.application(), topic,
                        -1, -1, ""));
            }
            span = telemetry.startSend(target, headers, eventId);
            checkSize(topic, bytes, headers);
            if (quota != null) {
                telemetry.quotaWait(topic, quota.acquire(1, bytes == null ? 0 : bytes.length));
            }
            return violations.isEmpty() ? Write.send(this, topic, bytes, headers, eventId, span)
                    : Write.deadLetter(this, topic, target, bytes, headers, eventId, violations, span);
        } catch (RuntimeException e) {
            if (span != null) {
                telemetry.failed(span, e);
            }
            telemetry.refused(topic);
            return Write.refused(this, topic, e, violations);
        }
    }

    /** Refuses a topic outside the tenant's namespaces, checking each topic once; reports a topic's first use. */
    private void checkGuardrail(String topic) {
        if (settings.tenantPolicy() != null && permittedTopics.get(topic) == null) {
            settings.tenantPolicy().checkWrite(topic);
            permittedTopics.put(topic, Boolean.TRUE);
        }
        if (settings.datasetEvents() != DatasetEvents.NONE && !topicsInUse.contains(topic) && topicsInUse.add(topic)) {
            settings.datasetEvents().started(use(topic)); // once per topic, on its first record: never per record
        }
    }

    /**
     * The dead letter of a refused record, for a route that cannot give the refusal to a caller (a stream processor):
     * the record as the route has it, plus the {@code hw_dlq_*} headers saying why, to the contract's dead-letter
     * topic.
     *
     * @return the dead letter; null when the contract names no dead-letter topic
     */
    DeadLetter deadLetterOf(Write refused, byte[] key, byte[] value, Headers headers) {
        if (contract == null || contract.deadLetterTopic().isEmpty()) {
            return null;
        }
        Headers marked = new org.apache.kafka.common.header.internals.RecordHeaders(headers == null
                ? new Header[0] : headers.toArray());
        DeadLetterRecords.mark(marked, new DeadLetterRecords.Reason(refused.error() instanceof
                ContractViolationException ? "CONTRACT_VIOLATION" : "REFUSED", refused.error(), refused.violations(),
                contract.subject() + "@" + contract.version(), settings.application(), refused.intendedTopic(), -1,
                -1, ""));
        return new DeadLetter(contract.deadLetterTopic(), key, value, marked, null);
    }

    /** What enforcing a rule would do to a record that breaks it, for the rollout report. */
    private String wouldDo(Violation violation) {
        return deadLetters(List.of(violation)) ? "dead_letter" : "refuse";
    }

    private boolean deadLetters(List<Violation> violations) {
        return switch (failurePolicy) {
            case ERROR -> false;
            case DLQ -> true;
            case PER_RULE -> violations.stream().allMatch(v -> v.onFailure() == OnFailure.DLQ);
        };
    }

    private <V> byte[] serialize(String topic, Headers headers, V value, Serializer<V> serializer) {
        if (value == null) {
            return null;
        }
        try {
            if (contractWriter == null) {
                return serializer.serialize(topic, headers, value);
            }
            // the rules saw the clear value; what leaves the application has its protected fields sealed
            return contractWriter.write(protector == null ? value : protector.protect(value, headers));
        } catch (SerdeException | ProtectionException e) {
            throw e;
        } catch (Exception e) {
            throw new SerdeException("Could not serialize the value of a record for topic '" + topic + "': "
                    + e.getMessage() + ". Nothing was sent; check that the value matches its schema.", topic,
                    contractWriter == null ? -1 : contractWriter.id(), e);
        }
    }

    /**
     * Refuses a record that Kafka would refuse for its size, here rather than after the route handed it over, so that
     * every route refuses it alike. The key is not counted: a value serializer never sees it.
     */
    private void checkSize(String topic, byte[] value, Headers headers) {
        int size = sizeUpperBound(value, headers);
        if (size > maxRequestSize) {
            throw new RecordTooLargeException("The record for topic '" + topic + "' is up to " + size + " bytes with "
                    + "its value and headers, more than max.request.size (" + maxRequestSize + "): nothing was sent. "
                    + "Send smaller records, or raise max.request.size (and the topic's max.message.bytes).");
        }
    }

    /** A batch holding only this record, at most: Kafka's batch and record overheads, varints at their longest. */
    private static int sizeUpperBound(byte[] value, Headers headers) {
        int size = BATCH_OVERHEAD + RECORD_OVERHEAD + (value == null ? 0 : value.length) + VARINT;
        for (Header header : headers) {
            size += VARINT + Utils.utf8Length(header.key()) + VARINT
                    + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    /**
     * The broker acknowledged a record this pipeline decided to write: ends its span and counts it, under the topic
     * it was meant for.
     *
     * @param write the decision
     * @param partition where it was written
     * @param offset at which offset
     */
    void acknowledged(Write write, int partition, long offset) {
        telemetry.sent(write.span, write.intendedTopic(), partition, offset, sizeOf(write),
                write.outcome() == Write.Outcome.DEAD_LETTER);
    }

    /**
     * The route handed the record to a Kafka producer whose answer it cannot see (a serializer): ends the span and
     * counts the record sent.
     *
     * @param write the decision
     */
    void handedOff(Write write) {
        telemetry.handedOff(write.span, write.intendedTopic(), sizeOf(write));
    }

    /**
     * Writing a record this pipeline decided to write failed (the broker refused it, or the dead letter could not be
     * written): ends its span with the error.
     *
     * @param write the decision
     * @param error why
     */
    void failed(Write write, Throwable error) {
        telemetry.failed(write.span, error);
    }

    private static int sizeOf(Write write) {
        return write.value() == null ? 0 : write.value().length;
    }

    /** @return the contract this pipeline enforces, or null */
    DataContract contract() {
        return contract;
    }

    /** @return the lineage stamp: format, descriptor and descriptor id */
    LineageStamp lineage() {
        return lineage;
    }

    private DatasetUse use(String topic) {
        return new DatasetUse(DatasetUse.Role.PRODUCER, settings.application(), settings.applicationVersion(),
                settings.tenant(), "", settings.bootstrapServers(), topic, contract);
    }

    private static int intSetting(Map<String, Object> kafka, String key, int otherwise) {
        Object value = kafka.get(key);
        return value == null ? otherwise : Integer.parseInt(value.toString().trim());
    }

    /**
     * Stops publishing the descriptor, unregisters the metric callbacks and reports every topic written as no longer
     * in use. The dataset events themselves are the client's to close.
     */
    @Override
    public void close() {
        for (String topic : topicsInUse) {
            settings.datasetEvents().completed(use(topic));
        }
        if (descriptorPublisher != null) {
            descriptorPublisher.close(); // the application's publisher closes with its last producer
        }
        telemetry.close();
        if (observed != null) {
            observed.close();
        }
    }
}
