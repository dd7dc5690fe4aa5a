package dev.headwater.spring.boot;

import dev.headwater.contract.DataContract;
import dev.headwater.governance.HeadwaterClientConfig;
import dev.headwater.governance.ReadPipeline;
import dev.headwater.producer.GovernedSerializer;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.spring.kafka.GovernedDeadLetters;
import dev.headwater.spring.kafka.GovernedRecordInterceptor;
import dev.headwater.tenant.TenantPolicy;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Spring Boot auto-configuration of Headwater, on when {@code headwater.application.name} is set (nothing changes
 * otherwise). With a contract ({@code headwater.contract}) and a registry ({@code headwater.registry.url}):
 * Spring Boot's {@code KafkaTemplate} writes values through {@link GovernedSerializer}, the route of the write
 * pipeline (write rules, wire format, lineage, spans; refused and dead-lettered sends throw). Always: listener
 * containers read bytes and {@code @KafkaListener} methods run inside {@link GovernedRecordInterceptor}, the route of
 * the {@link ReadPipeline} (decode, read rules, lineage context, process span, freshness), and failures go through a
 * {@link org.springframework.kafka.listener.DefaultErrorHandler} that writes the pipeline's dead letters (with
 * Headwater's headers beside Spring's). Every internal client inherits {@code spring.kafka.*} connection and security
 * settings.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnProperty(prefix = "headwater.application", name = "name")
@EnableConfigurationProperties(HeadwaterProperties.class)
public class HeadwaterAutoConfiguration {

    /** Creates the configuration; Spring does. */
    public HeadwaterAutoConfiguration() {
    }

    /**
     * @param properties Headwater's settings
     * @return the contract, loaded from {@code headwater.contract}
     * @throws IllegalStateException naming the key when it cannot be loaded
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "headwater", name = "contract")
    public DataContract headwaterContract(HeadwaterProperties properties) {
        try {
            return DataContract.load(properties.getContract());
        } catch (RuntimeException e) {
            throw new IllegalStateException("headwater.contract=" + properties.getContract() + " cannot be loaded: "
                    + e.getMessage(), e);
        }
    }

    /**
     * @param properties Headwater's settings
     * @param contractBeans the application's {@code DataContract} beans, such as {@code headwater.contract}'s
     * @return every contract: the beans and those of {@code headwater.contracts}
     * @throws IllegalStateException naming the key and location of one that cannot be loaded
     */
    @Bean
    @ConditionalOnMissingBean
    public HeadwaterContracts headwaterContracts(HeadwaterProperties properties,
            ObjectProvider<DataContract> contractBeans) {
        List<DataContract> contracts = new ArrayList<>(contractBeans.orderedStream().toList());
        List<String> locations = properties.getContracts();
        for (int i = 0; i < locations.size(); i++) {
            try {
                contracts.add(DataContract.load(locations.get(i)));
            } catch (RuntimeException e) {
                throw new IllegalStateException("headwater.contracts[" + i + "]=" + locations.get(i)
                        + " cannot be loaded: " + e.getMessage(), e);
            }
        }
        return new HeadwaterContracts(contracts);
    }

    /**
     * Loads the tenant policy at startup, so that a bad policy stops the application rather than its first send.
     *
     * @param properties Headwater's settings
     * @return the tenant policy, loaded from {@code headwater.tenant-policy} with the overrides of
     *     {@code headwater.environment}
     * @throws IllegalStateException naming the keys when it cannot be loaded
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "headwater", name = "tenant-policy")
    public TenantPolicy headwaterTenantPolicy(HeadwaterProperties properties) {
        try {
            return TenantPolicy.load(properties.getTenantPolicy(), properties.getEnvironment());
        } catch (RuntimeException e) {
            throw new IllegalStateException("headwater.tenant-policy=" + properties.getTenantPolicy()
                    + (properties.getEnvironment() == null ? "" : " (headwater.environment="
                    + properties.getEnvironment() + ")") + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    /**
     * @param properties Headwater's settings
     * @return the registry client, from {@code headwater.registry.*}
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "headwater.registry", name = "url")
    public SchemaRegistryClient headwaterSchemaRegistryClient(HeadwaterProperties properties) {
        return SchemaRegistryClient.fromProperties(properties.getRegistry().settings());
    }

    /**
     * Makes Spring Boot's producer factory write values through {@link GovernedSerializer}.
     *
     * @param properties Headwater's settings
     * @param contracts the contracts; none leaves the producer factory as it is
     * @param openTelemetry the application's OpenTelemetry, if any
     * @return the customizer
     * @throws IllegalStateException when there are contracts but no {@code headwater.registry.url}
     */
    @Bean
    public DefaultKafkaProducerFactoryCustomizer headwaterProducerFactoryCustomizer(HeadwaterProperties properties,
            HeadwaterContracts contracts, ObjectProvider<OpenTelemetry> openTelemetry) {
        if (!contracts.isEmpty()) {
            requireRegistry(properties);
        }
        return factory -> {
            if (contracts.isEmpty()) {
                return; // without a contract there is nothing to govern values by
            }
            Map<String, Object> settings = new HashMap<>(properties.producerSettings());
            settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, GovernedSerializer.class);
            settings.put(GovernedSerializer.CONTRACTS, contracts.all());
            settings.put(GovernedSerializer.OPENTELEMETRY, openTelemetry(openTelemetry));
            factory.updateConfigs(settings);
        };
    }

    /**
     * Makes Spring Boot's consumer factory read keys and values as bytes: the {@link ReadPipeline} decodes them (with
     * the deserializers the application configured, values as wire-format Avro with a contract), so that a record it
     * refuses is dead-lettered exactly as it was read.
     *
     * @return the customizer
     */
    @Bean
    public DefaultKafkaConsumerFactoryCustomizer headwaterConsumerFactoryCustomizer() {
        return factory -> factory.updateConfigs(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    /**
     * The read pipeline of every listener container: decode (the application's deserializers; values as wire-format
     * Avro through the registry with a contract), read rules, lineage, spans, freshness, dead letters.
     *
     * @param properties Headwater's settings
     * @param kafka Spring Boot's Kafka settings, inherited by the pipeline's internal clients
     * @param contracts the contracts whose read rules apply
     * @param openTelemetry the application's OpenTelemetry, if any
     * @return the pipeline
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ReadPipeline headwaterReadPipeline(HeadwaterProperties properties, KafkaProperties kafka,
            HeadwaterContracts contracts, ObjectProvider<OpenTelemetry> openTelemetry) {
        Map<String, Object> settings = properties.clientSettings();
        settings.put(HeadwaterClientConfig.OPENTELEMETRY, openTelemetry(openTelemetry));
        if (!contracts.isEmpty()) {
            requireRegistry(properties);
            settings.put(HeadwaterClientConfig.CONTRACTS, contracts.all());
        }
        HeadwaterClientConfig.Split split = HeadwaterClientConfig.split(settings, HeadwaterClientConfig.common(),
                "Spring listener");
        ReadPipeline.Builder builder = ReadPipeline.builder();
        HeadwaterClientConfig.apply(new AbstractConfig(HeadwaterClientConfig.common(), split.headwater(), false),
                split, builder, true);
        Map<String, Object> consumer = kafka.buildConsumerProperties();
        try {
            return builder.consumer(consumer, properties.getApplication().getName())
                    .deserializers(deserializer(consumer, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, true),
                            contracts.isEmpty() ? deserializer(consumer,
                                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, false) : null)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("headwater.contract and headwater.contracts: " + e.getMessage(), e);
        }
    }

    /** The deserializer the application configured ({@code spring.kafka.consumer.*-deserializer}), configured. */
    private static Deserializer<?> deserializer(Map<String, Object> consumer, String key, boolean isKey) {
        Object configured = consumer.getOrDefault(key, StringDeserializer.class);
        Deserializer<?> deserializer;
        try {
            Class<?> type = configured instanceof Class<?> given ? given
                    : Class.forName(configured.toString().trim(), true, HeadwaterAutoConfiguration.class
                            .getClassLoader());
            deserializer = (Deserializer<?>) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("spring.kafka.consumer." + (isKey ? "key" : "value") + "-deserializer="
                    + configured + " cannot be created as a Kafka Deserializer: " + e, e);
        }
        deserializer.configure(consumer, isKey);
        return deserializer;
    }

    /**
     * Checks each listener container's topics when it is created, as a governed consumer checks its own when it is
     * built: a topic the tenant may not read stops startup, naming tenant, topic and rule.
     *
     * @param pipeline the read pipeline, which holds the tenant's guardrail
     * @return the customizer Spring Boot applies to every listener container
     */
    @Bean
    @ConditionalOnMissingBean
    public ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>>
            headwaterListenerGuardrail(ReadPipeline pipeline) {
        return container -> {
            String[] topics = container.getContainerProperties().getTopics();
            if (topics != null) {
                String group = container.getGroupId();
                pipeline.reading(group == null ? "" : group, List.of(topics));
            }
        };
    }

    /**
     * @param pipeline governs each listener call
     * @return the record interceptor Spring Boot sets on the listener container factory
     */
    @Bean
    @ConditionalOnMissingBean
    public RecordInterceptor<Object, Object> headwaterRecordInterceptor(ReadPipeline pipeline) {
        return new GovernedRecordInterceptor(pipeline);
    }

    /**
     * @param pipeline makes the dead letters and names their topics
     * @param kafka Spring Boot's Kafka settings, inherited by the dead-letter producer
     * @param properties Headwater's settings
     * @return the error handler Spring Boot sets on the listener container factory
     */
    @Bean
    @ConditionalOnMissingBean
    public CommonErrorHandler headwaterErrorHandler(ReadPipeline pipeline, KafkaProperties kafka,
            HeadwaterProperties properties) {
        Map<String, Object> producer = new HashMap<>(kafka.buildProducerProperties());
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, properties.getApplication().getName() + "-dead-letters");
        producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(producer));
        return GovernedDeadLetters.errorHandler(pipeline, template, properties.getListener().getRetries(),
                properties.getListener().getRetryBackoffMs());
    }

    private static OpenTelemetry openTelemetry(ObjectProvider<OpenTelemetry> openTelemetry) {
        return openTelemetry.getIfAvailable(GlobalOpenTelemetry::get);
    }

    private static void requireRegistry(HeadwaterProperties properties) {
        if (properties.getRegistry().getUrl() == null) {
            throw new IllegalStateException("headwater.registry.url is required with headwater.contract: the "
                    + "contract's schema is registered there and values are written and read in its wire format");
        }
    }

    /** The health indicator, when Spring Boot's health support is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(prefix = "headwater.registry", name = "url")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "headwaterHealthIndicator")
        HeadwaterHealthIndicator headwaterHealthIndicator(SchemaRegistryClient registry,
                HeadwaterContracts contracts) {
            return new HeadwaterHealthIndicator(registry, contracts.all());
        }
    }
}
