package dev.headwater.consumer;

import dev.headwater.governance.HeadwaterClientConfig;
import dev.headwater.governance.ReadPipeline;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Adds Headwater's governance to a plain {@code KafkaConsumer} for teams that keep their own poll loop: configure it
 * with {@code interceptor.classes} beside Headwater's {@link dev.headwater.serde.AvroDeserializer}. Each record polled
 * goes through the {@link ReadPipeline} the governed consumer uses: its read rules are checked, its end-to-end delay is
 * measured against the contract's freshness objective, the tenant's consume quota is waited for (the poll waits), and a
 * CONSUMER span {@code receive {topic}} is recorded as a
 * child of the producer's span and linked to it (an interceptor sees a record when it is polled, not while the
 * application processes it; {@link GovernedConsumer} and Spring listeners record {@code process} spans around the
 * handler). An interceptor can neither hold a record back nor dead-letter it: a record that breaks a read rule keeps
 * flowing to the application but carries a {@value #VIOLATIONS_HEADER} header listing the violations, and the
 * violations are counted. Fields the contract protects are opened in place (or set to the contract's masks when the
 * application has no key for them); when the key service does not answer, the record keeps flowing with those fields
 * still sealed (ciphertext, never clear text) and carries a {@value #UNOPENED_HEADER} header saying why, since an
 * interceptor cannot read a record again. A team that wants refusals dead-lettered, or records whose keys cannot be
 * reached read again, uses the governed consumer, or reads bytes and calls {@link ReadPipeline#prepare} itself.
 *
 * <p>Settings (in the consumer's configuration): the {@code headwater.*} keys every client takes
 * ({@link HeadwaterClientConfig}: {@code headwater.contract.file}, {@code headwater.tenant.policy.file},
 * {@code headwater.opentelemetry}, ...), all optional.
 */
public final class GovernedConsumerInterceptor<K, V> implements ConsumerInterceptor<K, V> {

    /** The header added to records that break the contract: one violation per line. */
    public static final String VIOLATIONS_HEADER = ReadPipeline.VIOLATIONS_HEADER;
    /** The header added to records whose protected fields stay sealed because the key service did not answer. */
    public static final String UNOPENED_HEADER = ReadPipeline.UNOPENED_HEADER;
    /** Setting: the contract file. */
    public static final String CONTRACT_FILE = HeadwaterClientConfig.CONTRACT_FILE;
    /** Setting: the OpenTelemetry instance; {@link GlobalOpenTelemetry} by default. */
    public static final String OPENTELEMETRY = HeadwaterClientConfig.OPENTELEMETRY;

    private ReadPipeline pipeline;
    private ReadPipeline.Member member;

    /** Creates the interceptor; Kafka configures it. */
    public GovernedConsumerInterceptor() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
        HeadwaterClientConfig.Split split = HeadwaterClientConfig.split(configs, HeadwaterClientConfig.common(),
                "consumer interceptor");
        ReadPipeline.Builder builder = ReadPipeline.builder();
        HeadwaterClientConfig.apply(new AbstractConfig(HeadwaterClientConfig.common(), split.headwater(), false),
                split, builder, false);
        String group = String.valueOf(configs.get(ConsumerConfig.GROUP_ID_CONFIG));
        // Kafka hands interceptors the client id it chose, its own default included
        Object clientId = configs.get(ConsumerConfig.CLIENT_ID_CONFIG);
        String client = clientId == null ? group : clientId.toString();
        try {
            this.pipeline = builder.consumer(split.kafka(), client)
                    .deserializers(new ByteArrayDeserializer(), new ByteArrayDeserializer()).build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        this.member = pipeline.member(group, client);
    }

    @Override
    public ConsumerRecords<K, V> onConsume(ConsumerRecords<K, V> records) {
        if (!records.isEmpty() && pipeline.quota().isPresent()) {
            // the tenant's consume quota: the poll waits, as a governed consumer's loop does
            long bytes = 0;
            for (ConsumerRecord<K, V> record : records) {
                bytes += Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize());
            }
            member.awaitQuota(records.count(), bytes, () -> Thread.currentThread().isInterrupted());
        }
        for (ConsumerRecord<K, V> record : records) {
            member.received(pipeline.check(record)); // spans, counts, and the headers that tell the application
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        // nothing to govern on commit
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
