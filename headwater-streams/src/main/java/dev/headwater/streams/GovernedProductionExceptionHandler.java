package dev.headwater.streams;

import dev.headwater.governance.DeadLetter;
import dev.headwater.governance.Write;
import dev.headwater.governance.WritePipeline;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letters an output its topic's contract refused, and lets the application go on. An output whose rules
 * dead-letter it goes to the contract's dead-letter topic as the write pipeline made it; an output refused outright
 * (an {@code ERROR} rule, the tenant's guardrail, a value that does not fit the schema) is dead-lettered as the input
 * that produced it, byte for byte, with the {@code hw_dlq_*} headers saying why, so that it can be replayed once
 * mended. Kafka Streams writes the dead letter itself, in the same transaction as the other outputs under
 * {@code exactly_once_v2}. Errors of the broker (a send that failed) are left to Kafka Streams' defaults. Set it as
 * {@code production.exception.handler}.
 */
public final class GovernedProductionExceptionHandler implements ProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GovernedProductionExceptionHandler.class);

    private String applicationId;

    /** Created by Kafka Streams. */
    public GovernedProductionExceptionHandler() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
        this.applicationId = StreamsPipelines.applicationId(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        return Response.fail(); // the broker refused a send: not the record's fault, Kafka Streams decides
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        if (!(exception instanceof GovernedStreamsException governed) || governed.write() == null) {
            log.error("An output for topic '{}' could not be serialized ({}): the application stops rather than "
                    + "drop it", record.topic(), exception.toString());
            return Response.fail();
        }
        Write write = governed.write();
        if (write.outcome() == Write.Outcome.DEAD_LETTER) {
            return Response.resume(List.of(new ProducerRecord<>(write.topic(), null, key(record, context),
                    write.value(), write.headers())));
        }
        Optional<WritePipeline> pipeline = StreamsPipelines.of(applicationId).map(StreamsPipelines.Pipelines::writes);
        Optional<DeadLetter> letter = pipeline.flatMap(p -> p.deadLetterOf(write, context.sourceRawKey(),
                context.sourceRawValue(), context.headers()));
        if (letter.isEmpty()) {
            log.error("An output for topic '{}' was refused ({}) and its contract names no dead-letter topic: the "
                    + "application stops rather than drop it", record.topic(), exception.getMessage());
            return Response.fail();
        }
        DeadLetter dead = letter.get();
        return Response.resume(List.of(new ProducerRecord<>(dead.topic(), null, dead.key(), dead.value(),
                dead.headers())));
    }

    /** The output's key as bytes when it is bytes or text; else the key of the input it came from. */
    private static byte[] key(ProducerRecord<?, ?> record, ErrorHandlerContext context) {
        Object key = record.key();
        if (key instanceof byte[] bytes) {
            return bytes;
        }
        if (key instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return context.sourceRawKey();
    }
}
