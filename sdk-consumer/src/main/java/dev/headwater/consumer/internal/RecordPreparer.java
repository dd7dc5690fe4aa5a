package dev.headwater.consumer.internal;

import dev.headwater.consumer.GovernedRecord;
import dev.headwater.contract.ContractValidator;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Violation;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.registry.SchemaRegistryException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Prepares one consumed record: deserializes key and value and checks the contract's read rules. The outcome is a
 * {@link GovernedRecord} to hand to the application, a {@link Refusal} that sends the record to the dead-letter topic,
 * or a {@link Transient} failure to read it again later. Any exception is an outcome for that record alone, never for
 * its batch. Runs on the read-ahead thread (or the polling thread without read-ahead); holds nothing the polling thread
 * changes. Internal: not for users.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RecordPreparer<K, V> implements ReadBatch.Preparer {

    /**
     * Why a record cannot be handled, found while preparing it: it goes to the dead-letter topic.
     *
     * @param reason {@code DESERIALIZATION} or {@code CONTRACT_VIOLATION}
     * @param error what refused it
     * @param violations the contract's violations, empty when none
     */
    public record Refusal(String reason, RuntimeException error, List<Violation> violations) {
    }

    /**
     * A record that cannot be read now for a reason that is not its own (the schema registry did not answer).
     *
     * @param error what failed
     */
    public record Transient(RuntimeException error) {
    }

    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final DataContract contract;
    private final ContractValidator validator;
    private final LineageDescriptors descriptors;

    /**
     * @param keyDeserializer deserializes keys
     * @param valueDeserializer deserializes values
     * @param contract the contract whose read rules are checked, or null
     * @param descriptors finds lineage descriptors for the records' lineage
     */
    public RecordPreparer(Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, DataContract contract,
            LineageDescriptors descriptors) {
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
        this.contract = contract;
        this.validator = contract == null ? null : contract.readValidator();
        this.descriptors = descriptors;
    }

    @Override
    public Object prepare(ConsumerRecord<byte[], byte[]> raw) {
        GovernedRecord<K, V> record;
        try {
            Headers headers = raw.headers();
            K key = keyDeserializer.deserialize(raw.topic(), headers, raw.key());
            V value = valueDeserializer.deserialize(raw.topic(), headers, raw.value());
            record = new GovernedRecord<>(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), key, value,
                    headers, descriptors);
        } catch (RuntimeException e) {
            return transientRegistryFailure(e) ? new Transient(e) : new Refusal("DESERIALIZATION", e, List.of());
        }
        if (validator != null) {
            List<Violation> violations;
            try {
                violations = validator.validate(record.value());
            } catch (RuntimeException e) {
                return new Refusal("CONTRACT_VIOLATION", new IllegalStateException("Checking the rules of contract "
                        + contract.subject() + " failed on this record: " + e, e), List.of());
            }
            if (!violations.isEmpty()) {
                return new Refusal("CONTRACT_VIOLATION", new ContractViolationException(raw.topic(),
                        contract.subject(), contract.version(), violations), violations);
            }
        }
        return record;
    }

    /** @return true when the registry could not answer (no answer, 5xx, 429): not the record's fault */
    private static boolean transientRegistryFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException registry) {
                return registry.isTransient();
            }
        }
        return false;
    }
}
