package dev.headwater.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Settings of the Kafka clients Headwater creates for itself (a dead-letter producer, a lineage descriptor reader or
 * writer, an admin client), derived from the settings the application gave its own client. Every connection and
 * security setting is inherited ({@code bootstrap.servers}, {@code security.protocol}, {@code sasl.*},
 * {@code ssl.*}, {@code client.dns.lookup}, metric reporters, and keys Kafka does not know, which plug-ins such as
 * login callback handlers read); what belongs to the application's own client is not (serializers, interceptors,
 * group membership, transactions, client id), nor are Headwater's and the registry's keys. Internal: not for users.
 */
public final class ClientSettings {

    /** The kind of client the settings are for. */
    public enum Kind {
        /** A {@code KafkaProducer}. */
        PRODUCER(ProducerConfig.configNames()),
        /** A {@code KafkaConsumer}. */
        CONSUMER(ConsumerConfig.configNames()),
        /** An {@code Admin} client. */
        ADMIN(AdminClientConfig.configNames());

        private final Set<String> names;

        Kind(Set<String> names) {
            this.names = names;
        }
    }

    /** Keys of any Kafka client: a key outside them is a plug-in's own, inherited by every kind. */
    private static final Set<String> KAFKA_KEYS = new HashSet<>();
    /** Keys that describe the application's own client, never an internal one. */
    private static final Set<String> NOT_INHERITED = Set.of(
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.PARTITIONER_CLASS_CONFIG, ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG,
            ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            CommonClientConfigs.CLIENT_ID_CONFIG);
    /** Prefixes of keys that belong to Headwater or the schema registry client, not to Kafka. */
    private static final String[] FOREIGN_PREFIXES = {"headwater.", "schema.registry.", "basic.auth.",
        "bearer.auth.", "auto.register.schemas", "use.latest.version", "normalize.schemas", "latest.cache.",
        "key.subject.name.strategy", "value.subject.name.strategy", "specific.avro.reader"};

    static {
        for (Kind kind : Kind.values()) {
            KAFKA_KEYS.addAll(kind.names);
        }
    }

    private ClientSettings() {
    }

    /**
     * Derives the settings of an internal client from the application's.
     *
     * @param application the settings the application gave its own producer or consumer
     * @param kind the kind of internal client
     * @param clientId the internal client's {@code client.id}
     * @param overrides settings that win over the inherited ones (such as {@code acks} of a dead-letter producer)
     * @return a new mutable map
     */
    public static Map<String, Object> derive(Map<String, ?> application, Kind kind, String clientId,
            Map<String, ?> overrides) {
        Objects.requireNonNull(application, "application");
        Map<String, Object> derived = new HashMap<>();
        application.forEach((key, value) -> {
            if (value != null && inherited(key, kind)) {
                derived.put(key, value);
            }
        });
        derived.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        derived.putAll(overrides);
        return derived;
    }

    private static boolean inherited(String key, Kind kind) {
        if (NOT_INHERITED.contains(key)) {
            return false;
        }
        if (kind.names.contains(key)) {
            return true;
        }
        if (KAFKA_KEYS.contains(key)) {
            return false; // another kind of client's setting, such as a consumer's fetch size for a producer
        }
        for (String prefix : FOREIGN_PREFIXES) {
            if (key.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }
}
