package dev.headwater.producer;

/**
 * What became of one record given to {@link GovernedProducer#send}.
 *
 * @param outcome whether the record was sent to its topic or dead-lettered
 * @param topic the topic the record was written to: the requested topic, or the dead-letter topic
 * @param partition the partition written to
 * @param offset the offset written at
 * @param eventId the record's lineage event id ({@code ce_id})
 */
public record SendResult(Outcome outcome, String topic, int partition, long offset, String eventId) {

    /** Where a record went. */
    public enum Outcome {
        /** Written to the requested topic. */
        SENT,
        /** Refused by the contract and written to the contract's dead-letter topic with the reasons. */
        DEAD_LETTERED
    }

    /** @return true when the record was written to the requested topic */
    public boolean sent() {
        return outcome == Outcome.SENT;
    }

    /** @return true when the record was dead-lettered */
    public boolean deadLettered() {
        return outcome == Outcome.DEAD_LETTERED;
    }
}
