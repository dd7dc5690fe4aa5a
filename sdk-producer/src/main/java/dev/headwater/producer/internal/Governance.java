package dev.headwater.producer.internal;

import dev.headwater.HeadwaterException;
import dev.headwater.contract.ContractValidator;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.OnFailure;
import dev.headwater.contract.Violation;
import dev.headwater.deadletter.internal.DeadLetterRecords;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.DatasetUse;
import dev.headwater.lineage.LineageContext;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.lineage.LineageStamp;
import dev.headwater.lineage.internal.DescriptorPublisher;
import dev.headwater.producer.FailurePolicy;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;
import dev.headwater.serde.SerdeException;
import dev.headwater.serde.internal.AvroWireWriter;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.tenant.TenantQuotas;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The governance steps every record of one producer goes through, prepared once: the tenant's guardrail and quota,
 * the contract's write rules and schema, the lineage stamp with its descriptor publisher, and telemetry. Shared by
 * {@link dev.headwater.producer.GovernedProducer} and {@link dev.headwater.producer.GovernedSerializer}, so a plain
 * Kafka producer configured by properties governs records exactly as the governed producer does. Thread safe.
 * Internal: not for users.
 */
public final class Governance implements AutoCloseable {

    /**
     * What a producer is governed by.
     *
     * @param application the producing application's name
     * @param applicationVersion its version
     * @param tenant the tenant
     * @param contract the contract, or null
     * @param registry the registry the contract is registered with; required with a contract
     * @param failurePolicy what to do with records that break the contract
     * @param tenantPolicy the tenant's policy, or null
     * @param openTelemetry where spans and metrics go
     * @param lineageFormat how records carry their lineage
     * @param descriptorTopic where the lineage descriptor is published (format 2)
     * @param clientSettings the producer's Kafka settings, inherited by internal clients
     * @param clientId the producer's client id, for telemetry
     * @param datasetEvents where the topics the producer writes are reported (not closed by the governance)
     */
    public record Settings(String application, String applicationVersion, String tenant, DataContract contract,
            SchemaRegistryClient registry, FailurePolicy failurePolicy, TenantPolicy tenantPolicy,
            OpenTelemetry openTelemetry, LineageFormat lineageFormat, String descriptorTopic,
            Map<String, ?> clientSettings, String clientId, DatasetEvents datasetEvents) {
    }

    private final Settings settings;
    private final DataContract contract;
    private final ContractValidator validator;
    private final AvroWireWriter contractWriter;
    private final LineageStamp lineage;
    private final ProducerTelemetry telemetry;
    private final TenantQuotas quotas;
    private final DescriptorPublisher descriptorPublisher;
    private final Map<String, Boolean> permittedTopics = new ConcurrentHashMap<>();
    private final DatasetEvents datasetEvents;
    /** The topics written so far, each reported to the dataset events once. */
    private final Set<String> topicsInUse = ConcurrentHashMap.newKeySet();

    /**
     * Prepares the steps; with a contract, registers it.
     *
     * @param settings what the producer is governed by
     * @throws HeadwaterException when the contract cannot be registered
     */
    public Governance(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.contract = settings.contract();
        this.datasetEvents = settings.datasetEvents() == null ? DatasetEvents.NONE : settings.datasetEvents();
        TenantPolicy policy = settings.tenantPolicy();
        this.quotas = policy == null || policy.produceQuota().unlimited() ? null : TenantQuotas.produce(policy);
        LineageStamp.Builder stamp = LineageStamp.builder(settings.application())
                .applicationVersion(settings.applicationVersion()).tenant(settings.tenant())
                .format(settings.lineageFormat());
        if (contract != null) {
            this.validator = contract.writeValidator();
            int schemaId = register(settings.registry(), contract);
            this.contractWriter = new AvroWireWriter(schemaId, contract.subject(), contract.schema());
            stamp.type(contract.schema().getFullName()).owner(contract.owner().team())
                    .contract(contract.subject(), contract.version())
                    .schema(settings.registry().urls().get(0).toString(), schemaId)
                    .contentType("application/avro");
        } else {
            this.validator = null;
            this.contractWriter = null;
        }
        this.lineage = stamp.build();
        this.telemetry = new ProducerTelemetry(settings.openTelemetry(), settings.clientId(), settings.tenant(),
                contract == null ? "" : contract.subject());
        if (quotas != null) {
            telemetry.observeQuota(quotas);
        }
        if (lineage.format() == LineageFormat.COMPACT) {
            telemetry.observeLineage(lineage::carriesDescriptorInline);
            this.descriptorPublisher = DescriptorPublisher.start(settings.clientSettings(),
                    settings.descriptorTopic(), lineage.descriptorId(), lineage.descriptor(),
                    new DescriptorPublisher.Listener() {
                        @Override
                        public void published() {
                            lineage.descriptorPublished();
                        }

                        @Override
                        public void failed(String why) {
                            // the records keep carrying the descriptor inline; the publisher logged why
                            telemetry.lineageNotPublished();
                        }
                    });
        } else {
            this.descriptorPublisher = null;
        }
    }

    private static int register(SchemaRegistryClient registry, DataContract contract) {
        try {
            return registry.register(contract.subject(), contract.toSchemaDefinition(), false);
        } catch (SchemaRegistryException e) {
            throw new HeadwaterException("Could not register contract " + contract.subject() + " version "
                    + contract.version() + " with the schema registry: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a topic outside the tenant's namespaces; each topic is checked once. A topic's first record also reports
     * the topic to the dataset events, as written by this producer.
     *
     * @param topic the topic
     * @throws dev.headwater.tenant.GuardrailViolationException naming tenant, topic and rule
     */
    public void checkGuardrail(String topic) {
        if (settings.tenantPolicy() != null && permittedTopics.get(topic) == null) {
            settings.tenantPolicy().checkWrite(topic);
            permittedTopics.put(topic, Boolean.TRUE);
        }
        if (datasetEvents != DatasetEvents.NONE && !topicsInUse.contains(topic) && topicsInUse.add(topic)) {
            datasetEvents.started(use(topic)); // once per topic, on its first record: never per record
        }
    }

    /**
     * Checks the contract's write rules.
     *
     * @param value the value
     * @return every violation; empty without a contract or when it passes
     */
    public List<Violation> validate(Object value) {
        return validator == null ? List.of() : validator.validate(value);
    }

    /**
     * @param violations the violations of a record, not empty
     * @return true when the record is dead-lettered, false when it is refused
     */
    public boolean deadLetters(List<Violation> violations) {
        return switch (settings.failurePolicy()) {
            case ERROR -> false;
            case DLQ -> true;
            case PER_RULE -> violations.stream().allMatch(v -> v.onFailure() == OnFailure.DLQ);
        };
    }

    /**
     * @param topic the record's topic
     * @param violations its violations
     * @return the exception that refuses it, counted
     */
    public ContractViolationException refuse(String topic, List<Violation> violations) {
        telemetry.refused(topic, violations);
        return new ContractViolationException(topic, contract.subject(), contract.version(), violations);
    }

    /**
     * Serializes a value: in the wire format under the contract's schema, or with the given serializer without a
     * contract.
     *
     * @param topic the topic
     * @param headers the record's headers
     * @param value the value, may be null
     * @param serializer the value serializer without a contract
     * @param <V> the value type
     * @return the bytes, or null for a null value
     * @throws SerdeException naming the topic and what does not fit
     */
    public <V> byte[] serializeValue(String topic, Headers headers, V value, Serializer<V> serializer) {
        if (value == null) {
            return null;
        }
        try {
            return contractWriter != null ? contractWriter.write(value) : serializer.serialize(topic, headers, value);
        } catch (SerdeException e) {
            throw e;
        } catch (Exception e) {
            throw new SerdeException("Could not serialize the value of a record for topic '" + topic + "': "
                    + e.getMessage() + ". Nothing was sent; check that the value matches its schema.", topic,
                    contractWriter == null ? -1 : contractWriter.id(), e);
        }
    }

    /**
     * Takes the tenant's produce quota for one record and its bytes, together.
     *
     * @param topic the topic, for the wait metric
     * @param bytes the record's key and value bytes
     * @throws dev.headwater.tenant.QuotaExceededException when the quota refuses; nothing was taken
     */
    public void takeQuota(String topic, int bytes) {
        if (quotas != null) {
            telemetry.quotaWait(topic, quotas.acquire(1, bytes));
        }
    }

    /**
     * Stamps the record's lineage, with the correlation and causation of the record this thread handles, if any.
     *
     * @param headers the record's headers, changed in place
     * @return the record's event id
     */
    public String stamp(Headers headers) {
        LineageContext context = LineageContext.current().orElse(null);
        return lineage.stamp(headers, context == null ? null : context.correlationId(),
                context == null ? null : context.causationId());
    }

    /**
     * Writes the dead-letter headers of a record the contract sets aside, and counts its violations.
     *
     * @param headers the record's headers, changed in place
     * @param topic the topic it was meant for
     * @param violations its violations
     */
    public void markDeadLetter(Headers headers, String topic, List<Violation> violations) {
        telemetry.violations(topic, violations);
        DeadLetterRecords.mark(headers, new DeadLetterRecords.Reason("CONTRACT_VIOLATION",
                new ContractViolationException(topic, contract.subject(), contract.version(), violations),
                violations, contract.subject() + "@" + contract.version(), settings.application(), topic, -1, -1,
                ""));
    }

    /** @return the contract's dead-letter topic */
    public String deadLetterTopic() {
        return contract.deadLetterTopic();
    }

    /** @return the contract, or null */
    public DataContract contract() {
        return contract;
    }

    /** @return the lineage stamp */
    public LineageStamp lineage() {
        return lineage;
    }

    /** @return the telemetry */
    public ProducerTelemetry telemetry() {
        return telemetry;
    }

    private DatasetUse use(String topic) {
        Object bootstrap = settings.clientSettings().get("bootstrap.servers");
        return new DatasetUse(DatasetUse.Role.PRODUCER, settings.application(), settings.applicationVersion(),
                settings.tenant(), "", bootstrap == null ? "" : String.valueOf(bootstrap), topic, contract);
    }

    /**
     * Stops publishing the descriptor, unregisters the metric callbacks and reports every topic written as no longer
     * in use.
     */
    @Override
    public void close() {
        for (String topic : topicsInUse) {
            datasetEvents.completed(use(topic));
        }
        if (descriptorPublisher != null) {
            descriptorPublisher.close();
        }
        telemetry.close();
    }
}
