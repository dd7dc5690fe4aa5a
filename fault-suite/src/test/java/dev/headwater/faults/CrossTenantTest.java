package dev.headwater.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.tenant.GuardrailViolationException;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A tenant's clients cannot write or read another tenant's topics, dead-letter topics included. */
@HeadwaterTest
class CrossTenantTest {

    private static final TenantPolicy RETAIL = TenantPolicy.builder("retail")
            .owns(List.of("{tenant}.{domain}.{dataset}.v{major}", "{tenant}.{domain}.{dataset}.v{major}.dlq"))
            .build();

    @Test
    void aConsumerMayNotDeadLetterIntoAnotherTenantsTopic(EmbeddedKafkaCluster kafka) {
        String topic = Faults.topic("tenants");
        kafka.createTopic(topic, 1, (short) 1);
        assertThatThrownBy(() -> GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", "cross"))
                .keyDeserializer(new StringDeserializer()).valueDeserializer(new StringDeserializer())
                .topics(topic).tenantPolicy(RETAIL).deadLetterTopic("finance.ledger.entries.v1.dlq")
                .handler(r -> { }).build())
                .isInstanceOfSatisfying(GuardrailViolationException.class, e -> {
                    assertThat(e.tenant()).isEqualTo("retail");
                    assertThat(e.topic()).isEqualTo("finance.ledger.entries.v1.dlq");
                    assertThat(e.rule()).isEqualTo("owns");
                });
        assertThat(kafka.admin().listTopics().names()).succeedsWithin(Duration.ofSeconds(10))
                .satisfies(names -> assertThat(names).doesNotContain("finance.ledger.entries.v1.dlq"));
        Figures.refused("a retail consumer dead-lettering into finance.*", "refused when built "
                + "(GuardrailViolationException, rule owns); nothing written");
    }

    @Test
    void aContractsDeadLetterTopicInAnotherTenantIsRefusedOnBothSides(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry) {
        String topic = Faults.topic("tenants");
        DataContract base = Faults.contract(topic);
        DataContract foreignDlq = DataContract.builder().subject(base.subject()).topics(base.topics())
                .version(base.version()).owner(base.owner()).schema(base.schema()).rules(base.rules())
                .deadLetterTopic("finance.ledger.entries.v1.dlq").build();
        assertThatThrownBy(() -> GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(foreignDlq)
                .application("payments", "1").tenantPolicy(RETAIL).build())
                .isInstanceOf(GuardrailViolationException.class);
        assertThatThrownBy(() -> GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", "cross"))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(registry.url()).contract(foreignDlq)
                .topics(topic).tenantPolicy(RETAIL).handler(r -> { }).build())
                .isInstanceOf(GuardrailViolationException.class)
                .hasMessageContaining("finance.ledger.entries.v1.dlq");
    }

    @Test
    void aProducerMayNotWriteAnotherTenantsTopicAndNothingIsSent(EmbeddedKafkaCluster kafka) {
        try (var producer = GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                .application("payments", "1").tenantPolicy(RETAIL).build()) {
            assertThatThrownBy(() -> producer.send("finance.ledger.entries.v1", "k", "v").join())
                    .isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(GuardrailViolationException.class);
        }
        assertThat(Faults.read(kafka.bootstrapServers(), "finance.ledger.entries.v1", 1, Duration.ofSeconds(2)))
                .isEmpty();
        Figures.refused("a retail producer writing finance.*", "the send's future fails with "
                + "GuardrailViolationException; nothing sent");
    }
}
