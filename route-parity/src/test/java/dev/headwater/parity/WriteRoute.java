package dev.headwater.parity;

import dev.headwater.SharedResources;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.GovernedSerializer;
import dev.headwater.protection.FieldProtection;
import dev.headwater.tenant.TenantPolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * A way a team writes governed records: each sends one record and waits for its fate, returning the exception that
 * refused it (thrown, or failing the future, as the route does) or null when it was written.
 */
interface WriteRoute extends AutoCloseable {

    /**
     * @param topic the topic
     * @param key the key
     * @param value the value
     * @param headers the record's own headers
     * @return why it was not written, or null
     */
    Throwable send(String topic, String key, Object value, List<Header> headers);

    /** @return whether the route sees the key (a value serializer does not: its dead letters carry none) */
    boolean seesKey();

    @Override
    void close();

    /** What a route is built from. */
    record Setup(String bootstrap, String registryUrl, DataContract contract, Path contractFile, TenantPolicy policy,
            Path policyFile, OpenTelemetry openTelemetry, Map<String, String> protection) {

        /** A route without field protection settings. */
        Setup(String bootstrap, String registryUrl, DataContract contract, Path contractFile, TenantPolicy policy,
                Path policyFile, OpenTelemetry openTelemetry) {
            this(bootstrap, registryUrl, contract, contractFile, policy, policyFile, openTelemetry, Map.of());
        }

        /** @return the field protection settings under their {@code headwater.protection.} keys */
        Map<String, Object> protectionSettings() {
            Map<String, Object> settings = new HashMap<>();
            protection.forEach((key, value) -> settings.put(FieldProtection.PREFIX + key, value));
            return settings;
        }
    }

    /** A kind of route, and how to build one. */
    enum Kind {
        /** {@code GovernedProducer.send}. */
        GOVERNED_PRODUCER("rtproducer", true) {
            @Override
            WriteRoute open(Setup setup) {
                GovernedProducer<String, Object> producer = builder(setup).build();
                return new Route(true, producer::close) {
                    @Override
                    public Throwable send(String topic, String key, Object value, List<Header> headers) {
                        return outcome(() -> producer.send(new ProducerRecord<>(topic, null, key, value, headers))
                                .get(30, TimeUnit.SECONDS));
                    }
                };
            }
        },
        /** {@code GovernedProducer.asProducer()}: Kafka's {@code Producer} contract. */
        PRODUCER_VIEW("rtview", true) {
            @Override
            WriteRoute open(Setup setup) {
                Producer<String, Object> producer = builder(setup).build().asProducer();
                return new Route(true, producer::close) {
                    @Override
                    public Throwable send(String topic, String key, Object value, List<Header> headers) {
                        return outcome(() -> producer.send(new ProducerRecord<>(topic, null, key, value, headers))
                                .get(30, TimeUnit.SECONDS));
                    }
                };
            }
        },
        /** A plain {@code KafkaProducer} whose value serializer is {@link GovernedSerializer}, set by properties. */
        SERIALIZER("rtserializer", false) {
            @Override
            WriteRoute open(Setup setup) {
                Map<String, Object> properties = new HashMap<>();
                properties.put("bootstrap.servers", setup.bootstrap());
                properties.put("key.serializer", StringSerializer.class);
                properties.put("value.serializer", GovernedSerializer.class);
                properties.put("schema.registry.url", setup.registryUrl());
                properties.put("headwater.application.name", Parity.APPLICATION);
                properties.put("headwater.contract.file", setup.contractFile().toString());
                properties.put("headwater.tenant.policy.file", setup.policyFile().toString());
                properties.put("headwater.opentelemetry", setup.openTelemetry());
                properties.put("headwater.shared.resources", SharedResources.create());
                properties.putAll(setup.protectionSettings());
                KafkaProducer<String, Object> producer = new KafkaProducer<>(properties);
                return new Route(false, producer::close) {
                    @Override
                    public Throwable send(String topic, String key, Object value, List<Header> headers) {
                        return outcome(() -> producer.send(new ProducerRecord<>(topic, null, key, value, headers))
                                .get(30, TimeUnit.SECONDS));
                    }
                };
            }
        },
        /** Spring Boot's {@code KafkaTemplate}, governed by the starter from {@code headwater.*} settings. */
        KAFKA_TEMPLATE("rttemplate", false) {
            @Override
            @SuppressWarnings("unchecked")
            WriteRoute open(Setup setup) {
                ConfigurableApplicationContext application = new SpringApplicationBuilder(TemplateApplication.class)
                        .web(WebApplicationType.NONE)
                        .initializers(context -> context.getBeanFactory().registerSingleton("parityOpenTelemetry",
                                setup.openTelemetry()))
                        .properties(springProperties(setup))
                        .run();
                KafkaTemplate<String, Object> template = application.getBean(KafkaTemplate.class);
                return new Route(false, application::close) {
                    @Override
                    public Throwable send(String topic, String key, Object value, List<Header> headers) {
                        return outcome(() -> template.send(new ProducerRecord<>(topic, null, key, value, headers))
                                .get(30, TimeUnit.SECONDS));
                    }
                };
            }
        };

        private final String tenant;
        private final boolean seesKey;

        Kind(String tenant, boolean seesKey) {
            this.tenant = tenant;
            this.seesKey = seesKey;
        }

        /** @return the route's tenant, and the prefix of its topics */
        String tenant() {
            return tenant;
        }

        abstract WriteRoute open(Setup setup);

        private static Map<String, Object> springProperties(Setup setup) {
            Map<String, Object> properties = new HashMap<>(Map.of(
                    "spring.kafka.bootstrap-servers", setup.bootstrap(),
                    "headwater.application.name", Parity.APPLICATION,
                    "headwater.contract", setup.contractFile().toString(),
                    "headwater.tenant-policy", setup.policyFile().toString(),
                    "headwater.registry.url", setup.registryUrl()));
            properties.putAll(setup.protectionSettings());
            return properties;
        }

        private static GovernedProducer.Builder<String, Object> builder(Setup setup) {
            GovernedProducer.Builder<String, Object> builder = GovernedProducer.<String, Object>builder()
                    .kafkaProperties(Map.of("bootstrap.servers", setup.bootstrap()))
                    .keySerializer(new StringSerializer())
                    .schemaRegistry(setup.registryUrl())
                    .contract(setup.contract())
                    .application(Parity.APPLICATION, "")
                    .tenantPolicy(setup.policy())
                    .openTelemetry(setup.openTelemetry())
                    .sharedResources(SharedResources.create());
            return setup.protection().isEmpty() ? builder
                    : builder.fieldProtection(FieldProtection.configure(setup.protectionSettings()));
        }
    }

    /** A Spring Boot application with nothing of its own: the starter governs its template. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    class TemplateApplication {
    }

    /** The parts every route shares. */
    abstract class Route implements WriteRoute {
        private final boolean seesKey;
        private final Runnable close;

        Route(boolean seesKey, Runnable close) {
            this.seesKey = seesKey;
            this.close = close;
        }

        @Override
        public boolean seesKey() {
            return seesKey;
        }

        @Override
        public void close() {
            close.run();
        }

        /** Runs a send and waits: its exception (thrown by the send, or failing its future), or null. */
        static Throwable outcome(Send send) {
            try {
                send.run();
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (Exception e) {
                return e;
            }
        }

        /** A send that waits for its result. */
        @FunctionalInterface
        interface Send {
            void run() throws Exception;
        }
    }
}
