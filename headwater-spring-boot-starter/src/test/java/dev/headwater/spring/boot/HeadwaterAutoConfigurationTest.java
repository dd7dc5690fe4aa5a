package dev.headwater.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.governance.ReadPipeline;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedSerializer;
import dev.headwater.spring.kafka.GovernedRecordInterceptor;
import dev.headwater.tenant.TenantPolicy;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RecordInterceptor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The starter's configuration without a broker: what it switches on, and that every bad key or value stops startup
 * naming it. The starter against a broker and registry is shown by the Spring Boot sample's tests.
 */
class HeadwaterAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(HeadwaterStartupChecks.class, HeadwaterAutoConfiguration.class,
                    KafkaAutoConfiguration.class));

    @Test
    void withoutAnApplicationNameSpringKafkaBehavesAsBefore() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(HeadwaterProperties.class);
            assertThat(context).doesNotHaveBean(RecordInterceptor.class);
            assertThat(context).doesNotHaveBean(CommonErrorHandler.class);
            ProducerFactory<?, ?> producers = context.getBean(ProducerFactory.class);
            assertThat(producers.getConfigurationProperties().get(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG))
                    .isEqualTo(StringSerializer.class);
        });
    }

    @Test
    void anApplicationNameAloneGovernsListenersButLeavesSerializersAlone() {
        runner.withPropertyValues("headwater.application.name=orders-service").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(ReadPipeline.class);
            assertThat(context.getBean(RecordInterceptor.class)).isInstanceOf(GovernedRecordInterceptor.class);
            assertThat(context.getBean(CommonErrorHandler.class)).isInstanceOf(DefaultErrorHandler.class);
            assertThat(context.getBean(ProducerFactory.class).getConfigurationProperties()
                    .get(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)).isEqualTo(StringSerializer.class);
        });
    }

    @Test
    void thePlatformsRuleOverridesAndTheEnvironmentReachTheTemplateAndTheListeners() {
        runner.withPropertyValues("headwater.application.name=orders-service", "headwater.tenant=retail",
                "headwater.contract=classpath:contracts/orders.yaml", "headwater.environment=prod",
                "headwater.registry.url=http://registry.example:8081",
                "headwater.rules.observe=amountInRange,retail.orders.placed.v1-value:skuPattern",
                "headwater.rules.enforce=emailFormat").run(context -> {
                    assertThat(context).hasNotFailed();
                    var producer = context.getBean(ProducerFactory.class).getConfigurationProperties();
                    assertThat(producer).containsEntry("headwater.rules.observe",
                            "amountInRange,retail.orders.placed.v1-value:skuPattern")
                            .containsEntry("headwater.rules.enforce", "emailFormat")
                            .containsEntry("headwater.environment", "prod");
                    var settings = context.getBean(ReadPipeline.class).settings();
                    assertThat(settings.environment()).isEqualTo("prod");
                    assertThat(settings.ruleEnforcement()).containsEntry("amountInRange",
                            dev.headwater.contract.Enforcement.OBSERVE)
                            .containsEntry("retail.orders.placed.v1-value:skuPattern",
                                    dev.headwater.contract.Enforcement.OBSERVE)
                            .containsEntry("emailFormat", dev.headwater.contract.Enforcement.ENFORCE);
                });
    }

    @Test
    void aContractMakesTheTemplateWriteThroughTheGovernedSerializerAndListenersReadWireFormatAvro() {
        runner.withPropertyValues("headwater.application.name=orders-service", "headwater.application.version=1.4.0",
                "headwater.tenant=retail", "headwater.contract=classpath:contracts/orders.yaml",
                "headwater.registry.url=http://registry.example:8081",
                "headwater.registry.basic-auth-user-info=orders:s3cret").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(DataContract.class).subject())
                            .isEqualTo("retail.orders.placed.v1-value");
                    var producer = context.getBean(ProducerFactory.class).getConfigurationProperties();
                    assertThat(producer.get(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG))
                            .isEqualTo(GovernedSerializer.class);
                    assertThat(producer.get(GovernedSerializer.CONTRACTS)).asList()
                            .containsExactly(context.getBean(DataContract.class));
                    assertThat(producer).containsEntry("headwater.application.name", "orders-service")
                            .containsEntry("headwater.application.version", "1.4.0")
                            .containsEntry("headwater.tenant", "retail")
                            .containsEntry("schema.registry.url", "http://registry.example:8081")
                            .containsEntry("basic.auth.user.info", "orders:s3cret");
                    var consumer = context.getBean(ConsumerFactory.class).getConfigurationProperties();
                    // containers read bytes: the read pipeline decodes them, values as wire-format Avro
                    assertThat(consumer.get(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG))
                            .isEqualTo(ByteArrayDeserializer.class);
                    assertThat(consumer.get(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG))
                            .isEqualTo(ByteArrayDeserializer.class);
                    assertThat(context.getBean(ReadPipeline.class).settings().registry().urls().toString())
                            .contains("registry.example:8081");
                });
    }

    @Test
    void severalContractsEachGovernTheTopicsTheyList() {
        runner.withPropertyValues("headwater.application.name=payments-service",
                "headwater.contract=classpath:contracts/orders.yaml",
                "headwater.contracts[0]=classpath:contracts/payments.yaml",
                "headwater.registry.url=http://registry.example:8081").run(context -> {
                    assertThat(context).hasNotFailed();
                    HeadwaterContracts contracts = context.getBean(HeadwaterContracts.class);
                    assertThat(contracts.all()).extracting(DataContract::subject).containsExactly(
                            "retail.orders.placed.v1-value", "retail.payments.requested.v1-value");
                    ReadPipeline pipeline = context.getBean(ReadPipeline.class);
                    assertThat(pipeline.deadLetterTopic("retail.payments.requested.v1"))
                            .contains("retail.payments.requested.v1.dlq");
                    assertThat(pipeline.deadLetterTopic("retail.orders.placed.v1"))
                            .contains("retail.orders.placed.v1.dlq");
                    assertThat(pipeline.deadLetterTopic("retail.unlisted.v1")).isEmpty();
                    assertThat(context.getBean(ProducerFactory.class).getConfigurationProperties()
                            .get(GovernedSerializer.CONTRACTS)).asList().hasSize(2);
                });
    }

    @Test
    void aContractOfTheListThatCannotBeLoadedFailsStartupNamingItsIndex() {
        runner.withPropertyValues("headwater.application.name=payments-service",
                "headwater.contracts[0]=classpath:contracts/payments.yaml",
                "headwater.contracts[1]=classpath:contracts/refunds.yaml",
                "headwater.registry.url=http://registry.example:8081")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("headwater.contracts[1]=classpath:contracts/refunds.yaml"));
    }

    @Test
    void twoContractsListingOneTopicFailStartupNamingBoth() {
        runner.withPropertyValues("headwater.application.name=orders-service",
                "headwater.contracts=classpath:contracts/orders.yaml,classpath:contracts/clash.yaml",
                "headwater.registry.url=http://registry.example:8081")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("topic 'retail.orders.placed.v1' is listed by two contracts, "
                                + "retail.orders.placed.v1-value and retail.orders.copy.v1-value"));
    }

    @Test
    void openLineageSettingsWithoutTheModuleFailStartupSayingWhatToAdd() {
        runner.withPropertyValues("headwater.application.name=orders-service",
                "headwater.lineage.openlineage.transport.type=console").run(context -> assertThat(context)
                        .getFailure().hasStackTraceContaining("headwater.lineage.openlineage.transport.type")
                        .hasStackTraceContaining("dev.headwater:headwater-openlineage"));
    }

    @Test
    void anUnknownKeyFailsStartupNamingIt() {
        runner.withPropertyValues("headwater.application.name=orders-service", "headwater.registry.urll=http://x")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("headwater.registry")
                        .hasMessageContaining("urll"));
    }

    @Test
    void aValueOfTheWrongKindFailsStartupNamingTheKey() {
        runner.withPropertyValues("headwater.application.name=orders-service", "headwater.failure-policy=SOMETIMES")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("headwater.failure-policy")
                        .hasStackTraceContaining("SOMETIMES"));
        runner.withPropertyValues("headwater.application.name=orders-service", "headwater.listener.retries=two")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("headwater.listener.retries"));
    }

    @Test
    void aContractThatCannotBeLoadedFailsStartupNamingTheKeyAndLocation() {
        runner.withPropertyValues("headwater.application.name=orders-service",
                "headwater.contract=classpath:contracts/missing.yaml", "headwater.registry.url=http://localhost:8081")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("headwater.contract=classpath:contracts/missing.yaml"));
    }

    @Test
    void aTenantPolicyThatCannotBeLoadedFailsStartupNamingTheKeysAndTheProblem() {
        runner.withPropertyValues("headwater.application.name=orders-service",
                "headwater.tenant-policy=classpath:tenant-retail.yaml", "headwater.environment=staging")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("headwater.tenant-policy=classpath:tenant-retail.yaml "
                                + "(headwater.environment=staging)")
                        .hasStackTraceContaining("environment 'staging' is not defined; defined: [prod]"));
        runner.withPropertyValues("headwater.application.name=orders-service",
                "headwater.tenant-policy=classpath:tenant-retail.yaml", "headwater.environment=prod")
                .run(context -> assertThat(context.getBean(TenantPolicy.class).tenant()).isEqualTo("retail"));
    }

    @Test
    void aContractWithoutARegistryFailsStartupNamingTheMissingKey() {
        runner.withPropertyValues("headwater.application.name=orders-service",
                "headwater.contract=classpath:contracts/orders.yaml")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context).getFailure().hasStackTraceContaining("headwater.registry.url is required");
                });
    }

    @Test
    void theHealthIsDownNamingTheRegistryWhenItCannotBeReached() {
        runner.withPropertyValues("headwater.application.name=orders-service",
                "headwater.contract=classpath:contracts/orders.yaml",
                "headwater.registry.url=http://orders:s3cret@127.0.0.1:1").run(context -> {
                    assertThat(context).hasNotFailed();
                    Health health = context.getBean(HeadwaterHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails().get("registry").toString()).contains("127.0.0.1:1")
                            .doesNotContain("s3cret");
                    assertThat(health.getDetails().toString()).doesNotContain("s3cret");
                });
    }

    @Test
    void aContractNotRegisteredYetKeepsTheApplicationUpAndSaysSo() throws Exception {
        com.sun.net.httpserver.HttpServer registry = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", exchange -> {
            byte[] body = "{\"error_code\":40401,\"message\":\"Subject not found\"}".getBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
        try {
            runner.withPropertyValues("headwater.application.name=orders-service",
                    "headwater.contract=classpath:contracts/orders.yaml",
                    "headwater.registry.url=http://127.0.0.1:" + registry.getAddress().getPort()).run(context -> {
                        Health health = context.getBean(HeadwaterHealthIndicator.class).health();
                        assertThat(health.getStatus()).as("a consumer-only service stays in its load balancer")
                                .isEqualTo(Status.UP);
                        assertThat(health.getDetails().get("contracts").toString())
                                .contains("retail.orders.placed.v1-value", "registered=false", "not registered yet");
                    });
        } finally {
            registry.stop(0);
        }
    }

    @Test
    void headwaterSettingsWithoutTheSwitchStopStartupNamingThem() {
        runner.withPropertyValues("headwater.aplication.name=orders-service",
                "headwater.contract=classpath:contracts/orders.yaml")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("headwater.aplication.name")
                        .hasStackTraceContaining("headwater.contract")
                        .hasStackTraceContaining("not headwater.application.name, which switches Headwater on"));
    }

    @Test
    void aKafkaClientOlderThanHeadwaterSupportsIsNamedWithTheVersionToSet() {
        assertThatThrownBy(() -> HeadwaterStartupChecks.checkKafka("3.9.1"))
                .hasMessageContaining("kafka-clients 4.0 or newer; this application has 3.9.1")
                .hasMessageContaining("kafka.version");
        HeadwaterStartupChecks.checkKafka("4.1.2"); // Spring Boot 4.0's
        HeadwaterStartupChecks.checkKafka(org.apache.kafka.common.utils.AppInfoParser.getVersion());
    }

    @Test
    void everyKeyHasIdeMetadataWithADescription() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("configuration metadata generated").isNotNull();
            metadata = new ObjectMapper().readTree(in);
        }
        Set<String> names = new HashSet<>();
        for (JsonNode property : metadata.get("properties")) {
            names.add(property.get("name").asText());
            assertThat(property.path("description").asText()).as(property.get("name").asText()).isNotBlank();
        }
        assertThat(names).contains("headwater.application.name", "headwater.application.version", "headwater.tenant",
                "headwater.environment", "headwater.contract", "headwater.tenant-policy", "headwater.failure-policy",
                "headwater.registry.url", "headwater.registry.basic-auth-user-info", "headwater.registry.bearer-token",
                "headwater.registry.truststore-location", "headwater.registry.keystore-location",
                "headwater.lineage.format", "headwater.listener.retries");
    }
}
