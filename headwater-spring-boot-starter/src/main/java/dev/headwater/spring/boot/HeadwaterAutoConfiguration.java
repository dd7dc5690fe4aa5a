package dev.headwater.spring.boot;

import dev.headwater.consumer.RecordGovernance;
import dev.headwater.contract.DataContract;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.producer.GovernedSerializer;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroDeserializer;
import dev.headwater.spring.kafka.DeadLetterSerializer;
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
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

/**
 * Spring Boot auto-configuration of Headwater, on when {@code headwater.application.name} is set (nothing changes
 * otherwise). With a contract ({@code headwater.contract}) and a registry ({@code headwater.registry.url}):
 * Spring Boot's {@code KafkaTemplate} writes values through {@link GovernedSerializer} (write rules, wire format,
 * lineage, spans; refused and dead-lettered sends throw), and listener containers read values as wire-format Avro
 * behind an {@link ErrorHandlingDeserializer}. Always: {@code @KafkaListener} methods run inside
 * {@link GovernedRecordInterceptor} (read rules, lineage context, process span, freshness), and failures go through a
 * {@link org.springframework.kafka.listener.DefaultErrorHandler} whose dead letters carry Headwater's headers beside
 * Spring's. Every internal client inherits {@code spring.kafka.*} connection and security settings.
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
     * Makes Spring Boot's consumer factory read values as wire-format Avro, a record that cannot be read becoming a
     * {@code DeserializationException} for the error handler to dead-letter.
     *
     * @param properties Headwater's settings
     * @param contracts the contracts; none leaves the consumer factory as it is
     * @return the customizer
     */
    @Bean
    public DefaultKafkaConsumerFactoryCustomizer headwaterConsumerFactoryCustomizer(HeadwaterProperties properties,
            HeadwaterContracts contracts) {
        return factory -> {
            if (contracts.isEmpty()) {
                return;
            }
            Map<String, Object> settings = new HashMap<>(properties.getRegistry().settings());
            settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class);
            settings.put(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, AvroDeserializer.class);
            factory.updateConfigs(settings);
        };
    }

    /**
     * @param properties Headwater's settings
     * @param kafka Spring Boot's Kafka settings
     * @param contracts the contracts whose read rules apply
     * @param openTelemetry the application's OpenTelemetry, if any
     * @return what is done around each listener call
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public RecordGovernance headwaterRecordGovernance(HeadwaterProperties properties, KafkaProperties kafka,
            HeadwaterContracts contracts, ObjectProvider<OpenTelemetry> openTelemetry) {
        RecordGovernance.Builder builder = RecordGovernance.builder().openTelemetry(openTelemetry(openTelemetry))
                .tenant(properties.getTenant()).clientId(properties.getApplication().getName())
                .group(kafka.getConsumer().getGroupId() == null ? properties.getApplication().getName()
                        : kafka.getConsumer().getGroupId());
        contracts.all().forEach(builder::contract);
        builder.datasetEvents(DatasetEvents.configure(properties.getLineage().datasetEventSettings()),
                properties.getApplication().getName(), properties.getApplication().getVersion(),
                String.join(",", kafka.getBootstrapServers()));
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("headwater.contract and headwater.contracts: " + e.getMessage(), e);
        }
    }

    /**
     * @param governance what is done around each listener call
     * @return the record interceptor Spring Boot sets on the listener container factory
     */
    @Bean
    @ConditionalOnMissingBean
    public RecordInterceptor<Object, Object> headwaterRecordInterceptor(RecordGovernance governance) {
        return new GovernedRecordInterceptor(governance);
    }

    /**
     * @param governance writes the dead letters' headers
     * @param kafka Spring Boot's Kafka settings, inherited by the dead-letter producer
     * @param properties Headwater's settings
     * @return the error handler Spring Boot sets on the listener container factory
     */
    @Bean
    @ConditionalOnMissingBean
    public CommonErrorHandler headwaterErrorHandler(RecordGovernance governance, KafkaProperties kafka,
            HeadwaterProperties properties) {
        Map<String, Object> producer = new HashMap<>(kafka.buildProducerProperties());
        producer.putAll(properties.getRegistry().settings());
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, DeadLetterSerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, DeadLetterSerializer.class);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, properties.getApplication().getName() + "-dead-letters");
        producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        KafkaTemplate<Object, Object> template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(producer));
        return GovernedDeadLetters.errorHandler(governance, template, properties.getListener().getRetries(),
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
