package dev.headwater.consumer;

import dev.headwater.consumer.internal.ConsumerTelemetry;
import dev.headwater.contract.ContractValidator;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Violation;
import dev.headwater.lineage.Lineage;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Adds Headwater's governance to a plain {@code KafkaConsumer} for teams that keep their own poll loop: configure it
 * with {@code interceptor.classes} beside Headwater's {@link dev.headwater.serde.AvroDeserializer}. For each record
 * polled it measures the end-to-end delay against the contract's freshness objective, records a CONSUMER span
 * {@code receive {topic}} parented by the producer's {@code traceparent} (an interceptor sees a record when it is
 * polled, not while the application processes it; {@link GovernedConsumer} records {@code process} spans around the
 * handler), and checks the contract's read rules: a record that breaks
 * one keeps flowing to the application (an interceptor cannot hold it back) but carries a
 * {@value #VIOLATIONS_HEADER} header listing the violations, and the violations are counted.
 *
 * <p>Settings (in the consumer's configuration): {@code headwater.contract.file} (optional), and
 * {@code headwater.opentelemetry}, an {@code OpenTelemetry} instance ({@link GlobalOpenTelemetry} by default).
 */
public final class GovernedConsumerInterceptor<K, V> implements ConsumerInterceptor<K, V> {

    /** The header added to records that break the contract: one violation per line. */
    public static final String VIOLATIONS_HEADER = "hw_violations";
    /** Setting: the contract file. */
    public static final String CONTRACT_FILE = "headwater.contract.file";
    /** Setting: the OpenTelemetry instance. */
    public static final String OPENTELEMETRY = "headwater.opentelemetry";

    private ContractValidator validator;
    private ConsumerTelemetry telemetry;

    /** Creates the interceptor; Kafka configures it. */
    public GovernedConsumerInterceptor() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object contractFile = configs.get(CONTRACT_FILE);
        DataContract contract = contractFile == null ? null : DataContract.load(contractFile.toString());
        this.validator = contract == null ? null : contract.readValidator();
        Object otel = configs.get(OPENTELEMETRY);
        OpenTelemetry openTelemetry = otel instanceof OpenTelemetry given ? given : GlobalOpenTelemetry.get();
        String group = String.valueOf(configs.get("group.id"));
        Object clientId = configs.get("client.id");
        this.telemetry = new ConsumerTelemetry(openTelemetry, group, clientId == null ? group : clientId.toString(),
                "", contract == null ? "" : contract.subject(),
                contract == null ? Duration.ZERO : contract.serviceLevels().freshness());
    }

    @Override
    public ConsumerRecords<K, V> onConsume(ConsumerRecords<K, V> records) {
        for (ConsumerRecord<K, V> record : records) {
            Span span = telemetry.startReceive(record);
            try {
                long createdAt = Lineage.createdAtMillis(record);
                if (createdAt >= 0) {
                    telemetry.delay(record.topic(), System.currentTimeMillis() - createdAt);
                }
                if (validator != null && record.value() != null) {
                    List<Violation> violations = validator.validate(record.value());
                    if (!violations.isEmpty()) {
                        record.headers().add(VIOLATIONS_HEADER, violations.stream().map(Violation::toString)
                                .collect(Collectors.joining("\n")).getBytes(StandardCharsets.UTF_8));
                        telemetry.failed(span, new IllegalStateException(violations.size()
                                + " contract violation(s)"));
                    }
                }
            } finally {
                span.end();
            }
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        // nothing to govern on commit
    }

    @Override
    public void close() {
        // nothing held
    }
}
