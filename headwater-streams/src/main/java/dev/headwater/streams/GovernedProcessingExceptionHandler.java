package dev.headwater.streams;

import dev.headwater.governance.DeadLetter;
import dev.headwater.governance.Read;
import dev.headwater.governance.ReadPipeline;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letters the input a processor failed on, and lets the application go on: the input as it was read, byte for
 * byte, with the {@code hw_dlq_*} headers (reason {@code HANDLER}, the exception), to the dead-letter topic of its
 * topic's contract, written by Kafka Streams in the outputs' transaction. An input whose topic names no dead-letter
 * topic stops the application rather than being skipped. Set it as {@code processing.exception.handler}.
 */
public final class GovernedProcessingExceptionHandler implements ProcessingExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GovernedProcessingExceptionHandler.class);

    private String applicationId;

    /** Created by Kafka Streams. */
    public GovernedProcessingExceptionHandler() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
        this.applicationId = StreamsPipelines.applicationId(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Optional<ReadPipeline> pipeline = StreamsPipelines.of(applicationId).map(StreamsPipelines.Pipelines::reads);
        byte[] key = context.sourceRawKey();
        byte[] value = context.sourceRawValue();
        ConsumerRecord<byte[], byte[]> input = new ConsumerRecord<>(context.topic(), context.partition(),
                context.offset(), context.timestamp(), TimestampType.CREATE_TIME, key == null ? -1 : key.length,
                value == null ? -1 : value.length, key, value, new RecordHeaders(context.headers().toArray()),
                Optional.empty());
        Optional<DeadLetter> letter = pipeline.flatMap(p -> p.deadLetter(input, Read.HANDLER, exception, List.of(),
                applicationId));
        if (letter.isEmpty()) {
            log.error("Processor {} failed on the record at {}-{}@{} ({}) and no dead-letter topic takes it: the "
                    + "application stops rather than skip it", context.processorNodeId(), context.topic(),
                    context.partition(), context.offset(), exception.toString());
            return Response.fail();
        }
        DeadLetter dead = letter.get();
        return Response.resume(List.of(new ProducerRecord<>(dead.topic(), null, dead.key(), dead.value(),
                dead.headers())));
    }
}
