package dev.headwater.streams;

import dev.headwater.governance.DeadLetter;
import dev.headwater.governance.Read;
import dev.headwater.governance.ReadPipeline;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letters a poison input, or one its read rules refuse, and lets the application go on: the record as read, byte
 * for byte, with Headwater's {@code hw_dlq_*} headers, to the dead-letter topic of its topic's contract, written by
 * Kafka Streams itself (so under {@code exactly_once_v2} the dead letter commits with the outputs of the same
 * transaction). An input whose topic has no dead-letter topic, or that could not be read for a reason that is not its
 * own (the schema registry did not answer), stops the application rather than being skipped: nothing is lost
 * silently. Set it as {@code deserialization.exception.handler}.
 */
public final class GovernedDeserializationExceptionHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GovernedDeserializationExceptionHandler.class);

    private String applicationId;

    /** Created by Kafka Streams. */
    public GovernedDeserializationExceptionHandler() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
        this.applicationId = StreamsPipelines.applicationId(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        Optional<ReadPipeline> pipeline = StreamsPipelines.of(applicationId).map(StreamsPipelines.Pipelines::reads);
        Read read = exception instanceof GovernedStreamsException governed ? governed.read() : null;
        if (pipeline.isEmpty() || (read != null && read.outcome() == Read.Outcome.TRANSIENT)) {
            log.error("Could not read the record at {}-{}@{} ({}); the application stops rather than skip it: "
                    + "nothing is set aside for a fault that is not the record's own", record.topic(),
                    record.partition(), record.offset(), exception.toString());
            return Response.fail();
        }
        String reason = read == null ? Read.DESERIALIZATION : read.reason();
        Throwable error = read == null || read.error() == null ? exception : read.error();
        Optional<DeadLetter> letter = pipeline.get().deadLetter(record, reason, error,
                read == null ? List.of() : read.violations(), applicationId);
        if (letter.isEmpty()) {
            log.error("The record at {}-{}@{} was not read ({}) and its contract names no dead-letter topic: the "
                    + "application stops rather than skip it", record.topic(), record.partition(), record.offset(),
                    exception.toString());
            return Response.fail();
        }
        DeadLetter dead = letter.get();
        return Response.resume(List.of(new ProducerRecord<>(dead.topic(), null, dead.key(), dead.value(),
                dead.headers())));
    }
}
