package dev.headwater.consumer;

/**
 * Application code that handles one governed record. Throwing marks the record as failed: it is retried, then
 * dead-lettered (or the consumer stops, in stop-on-error mode); its offset is committed only once it is handled or
 * dead-lettered.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface RecordHandler<K, V> {

    /**
     * Handles one record.
     *
     * @param record the record
     * @throws Exception when the record could not be handled
     */
    void handle(GovernedRecord<K, V> record) throws Exception;
}
