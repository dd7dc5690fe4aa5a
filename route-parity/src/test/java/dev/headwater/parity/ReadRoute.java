package dev.headwater.parity;

import dev.headwater.SharedResources;
import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.consumer.GovernedConsumerInterceptor;
import dev.headwater.contract.DataContract;
import dev.headwater.governance.ReadPipeline;
import dev.headwater.protection.FieldProtection;
import dev.headwater.serde.AvroDeserializer;
import dev.headwater.tenant.TenantPolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * A way a team reads governed records. Each reads the topics it is given and tells, per topic, what its application
 * saw: the records handed to it ({@code key=value}, and the violations a record was flagged with), and, for a route
 * whose application polls itself, the records its poll could not decode. A handler refuses records keyed
 * {@code fail}.
 */
interface ReadRoute extends AutoCloseable {

    /** The key of records the handler refuses. */
    String FAIL = "fail";

    /** @return what the application saw, by topic: one line per record */
    Map<String, List<String>> seen();

    @Override
    void close();

    /** What a route is built from. */
    record Setup(String bootstrap, String registryUrl, DataContract contract, Path contractFile, TenantPolicy policy,
            Path policyFile, OpenTelemetry openTelemetry, List<String> topics, String group,
            Map<String, String> protection) {

        /** A route without field protection settings. */
        Setup(String bootstrap, String registryUrl, DataContract contract, Path contractFile, TenantPolicy policy,
                Path policyFile, OpenTelemetry openTelemetry, List<String> topics, String group) {
            this(bootstrap, registryUrl, contract, contractFile, policy, policyFile, openTelemetry, topics, group,
                    Map.of());
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
        /** {@code GovernedConsumer}: its own poll loop, a handler. */
        GOVERNED_CONSUMER("rtconsumer") {
            @Override
            ReadRoute open(Setup setup) {
                Seen seen = new Seen();
                GovernedConsumer<String, Object> consumer = GovernedConsumer.<String, Object>builder()
                        .kafkaProperties(Map.of("bootstrap.servers", setup.bootstrap(), "group.id", setup.group(),
                                "max.poll.interval.ms", "60000"))
                        .keyDeserializer(new StringDeserializer())
                        .schemaRegistry(setup.registryUrl())
                        .contract(setup.contract())
                        .application(Parity.APPLICATION, "")
                        .tenantPolicy(setup.policy())
                        .openTelemetry(setup.openTelemetry())
                        .sharedResources(SharedResources.create())
                        .transientRetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
                        .fieldProtection(FieldProtection.configure(setup.protectionSettings()))
                        .topics(setup.topics().toArray(String[]::new))
                        .handler(record -> seen.handle(record.topic(), record.key(), record.value(),
                                record.headers()))
                        .build();
                Thread loop = new Thread(consumer::run, "parity-consumer");
                loop.start();
                return new Route(seen, () -> {
                    consumer.close();
                    join(loop);
                });
            }
        },
        /** A {@code @KafkaListener} of a Spring Boot application, governed by the starter. */
        SPRING_LISTENER("rtlistener") {
            @Override
            ReadRoute open(Setup setup) {
                Seen seen = new Seen();
                ListenerApplication.SEEN.put(setup.group(), seen);
                Map<String, Object> properties = new HashMap<>(Map.of(
                        "spring.kafka.bootstrap-servers", setup.bootstrap(),
                        "spring.kafka.consumer.auto-offset-reset", "earliest",
                        "spring.kafka.consumer.group-id", setup.group(),
                        "headwater.application.name", Parity.APPLICATION,
                        "headwater.contract", setup.contractFile().toString(),
                        "headwater.tenant-policy", setup.policyFile().toString(),
                        "headwater.registry.url", setup.registryUrl(),
                        "headwater.listener.retries", "0",
                        "parity.topics", String.join(",", setup.topics())));
                properties.putAll(setup.protectionSettings());
                ConfigurableApplicationContext application = new SpringApplicationBuilder(ListenerApplication.class)
                        .web(WebApplicationType.NONE)
                        .initializers(context -> context.getBeanFactory().registerSingleton("parityOpenTelemetry",
                                setup.openTelemetry()))
                        .properties(properties)
                        .run();
                return new Route(seen, application::close);
            }
        },
        /** A plain {@code KafkaConsumer} with Headwater's deserializer and {@link GovernedConsumerInterceptor}. */
        INTERCEPTOR("rtinterceptor") {
            @Override
            ReadRoute open(Setup setup) {
                Seen seen = new Seen();
                Map<String, Object> properties = new HashMap<>();
                properties.put("bootstrap.servers", setup.bootstrap());
                properties.put("group.id", setup.group());
                properties.put("auto.offset.reset", "earliest");
                properties.put("key.deserializer", StringDeserializer.class);
                properties.put("value.deserializer", AvroDeserializer.class);
                properties.put("schema.registry.url", setup.registryUrl());
                properties.put("interceptor.classes", GovernedConsumerInterceptor.class.getName());
                properties.put("headwater.contract.file", setup.contractFile().toString());
                properties.put("headwater.tenant.policy.file", setup.policyFile().toString());
                properties.put("headwater.opentelemetry", setup.openTelemetry());
                properties.putAll(setup.protectionSettings());
                KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(properties);
                consumer.subscribe(setup.topics());
                AtomicBoolean running = new AtomicBoolean(true);
                Thread loop = new Thread(() -> {
                    while (running.get()) {
                        try {
                            for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(100))) {
                                if (FAIL.equals(record.key())) {
                                    seen.add(record.topic(), "handler failed: the application's own to handle");
                                } else {
                                    seen.handle(record.topic(), record.key(), record.value(), record.headers());
                                }
                            }
                        } catch (RecordDeserializationException e) {
                            if (ReadPipeline.isTransient(e)) {
                                // not the record's fault (the registry did not answer): poll it again, later
                                seen.add("poll", "transient: " + e.getClass().getSimpleName());
                                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                            } else {
                                // as an application does with a record it cannot read: note it and go past it
                                seen.add(e.topicPartition().topic(), "poll failed: " + e.getClass().getSimpleName());
                                consumer.seek(e.topicPartition(), e.offset() + 1);
                            }
                        } catch (WakeupException e) {
                            break;
                        } catch (org.apache.kafka.common.KafkaException e) {
                            seen.add("poll", "poll failed: " + e);
                        }
                    }
                    consumer.close();
                }, "parity-interceptor");
                loop.start();
                return new Route(seen, () -> {
                    running.set(false);
                    consumer.wakeup();
                    join(loop);
                });
            }
        };

        private final String tenant;

        Kind(String tenant) {
            this.tenant = tenant;
        }

        /** @return the route's tenant, and the prefix of its topics */
        String tenant() {
            return tenant;
        }

        abstract ReadRoute open(Setup setup);

        private static void join(Thread thread) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What an application saw, by topic. */
    final class Seen {
        final Map<String, List<String>> byTopic = new ConcurrentHashMap<>();

        void add(String topic, String line) {
            byTopic.computeIfAbsent(topic, t -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(line);
        }

        void handle(String topic, String key, Object value, Iterable<Header> headers) {
            if (FAIL.equals(key)) {
                throw new IllegalStateException("the handler refused this record");
            }
            StringBuilder line = new StringBuilder("handled key=" + key + " value=" + describe(value));
            for (Header header : headers) {
                if (header.key().equals(GovernedConsumerInterceptor.VIOLATIONS_HEADER)) {
                    line.append(" flagged=").append(new String(header.value(), StandardCharsets.UTF_8));
                }
            }
            add(topic, line.toString());
        }

        private static String describe(Object value) {
            return value instanceof GenericRecord record ? record.getSchema().getName() + record : Objects.toString(value);
        }
    }

    /** The parts every route shares. */
    final class Route implements ReadRoute {
        private final Seen seen;
        private final Runnable close;

        Route(Seen seen, Runnable close) {
            this.seen = seen;
            this.close = close;
        }

        @Override
        public Map<String, List<String>> seen() {
            return seen.byTopic;
        }

        @Override
        public void close() {
            close.run();
        }
    }

    /** A Spring Boot application with one listener, governed by the starter. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    class ListenerApplication {
        /** What each application's listener saw, by its consumer group. */
        static final Map<String, Seen> SEEN = new ConcurrentHashMap<>();

        @Bean
        Listener parityListener() {
            return new Listener();
        }
    }

    /** Hands each record to what its application saw. */
    class Listener {
        @KafkaListener(topics = "#{'${parity.topics}'.split(',')}")
        void on(ConsumerRecord<String, Object> record) {
            ListenerApplication.SEEN.get(org.springframework.kafka.support.KafkaUtils.getConsumerGroupId())
                    .handle(record.topic(), record.key(), record.value(), record.headers());
        }
    }
}
