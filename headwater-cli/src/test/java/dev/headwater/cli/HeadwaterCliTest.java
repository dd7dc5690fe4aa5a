package dev.headwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.contract.DataContract;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code headwater} command run as a separate process, as a pipeline runs it, against the in-process broker and
 * registry: exit codes, text and JSON output.
 */
@HeadwaterTest
class HeadwaterCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;
    private Path contracts;

    @BeforeEach
    void copyTheContracts() throws IOException {
        contracts = work.resolve("contracts");
        Path from = Path.of("src/test/resources/contracts");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = contracts.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    @Test
    void checkPassesGoodContractsAndFailsABrokenExampleNamingTheFile() throws Exception {
        Run good = headwater(Map.of(), "contracts", "check", "--dir", contracts.toString(), "--tenant-policy",
                "src/test/resources/tenant-retail.yaml");
        assertThat(good.exit()).as(good.all()).isZero();
        assertThat(good.out()).contains("retail.orders.placed.v1-value v1.2.0").contains("contracts check: ok");

        change("min: 0.01", "min: -10");
        Run bad = headwater(Map.of(), "contracts", "check", "--dir", contracts.toString(), "--output", "json");
        assertThat(bad.exit()).as(bad.all()).isEqualTo(1);
        JsonNode json = JSON.readTree(bad.out());
        assertThat(json.path("ok").asBoolean()).isFalse();
        assertThat(json.path("problems").get(0).path("check").asText()).isEqualTo("examples");
        assertThat(json.path("problems").get(0).path("where").asText()).endsWith("orders.examples.yaml invalid[0]");
    }

    @Test
    void registerThenCompatRoundTripsAndABreakingChangeFailsWithTheReport(EmbeddedSchemaRegistry registry)
            throws Exception {
        Run dryRun = headwater(Map.of(), "contracts", "register", "--dir", contracts.toString(), "--registry",
                registry.url(), "--dry-run", "--output", "json");
        assertThat(dryRun.exit()).as(dryRun.all()).isZero();
        assertThat(JSON.readTree(dryRun.out()).path("registered").get(0).path("action").asText())
                .isEqualTo("NEW_SUBJECT");
        SchemaRegistryClient client = SchemaRegistryClient.builder().urls(registry.url()).build();
        assertThat(client.subjects(false)).as("a dry run registers nothing").isEmpty();

        Run register = headwater(Map.of(), "contracts", "register", "--dir", contracts.toString(), "--registry",
                registry.url());
        assertThat(register.exit()).as(register.all()).isZero();
        assertThat(client.subjects(false)).containsExactly("retail.orders.placed.v1-value");
        Run again = headwater(Map.of("SCHEMA_REGISTRY_URL", registry.url()), "contracts", "register", "--dir",
                contracts.toString(), "--output", "json");
        assertThat(JSON.readTree(again.out()).path("registered").get(0).path("action").asText())
                .isEqualTo("UNCHANGED");

        Run compatible = headwater(Map.of(), "contracts", "compat", "--dir", contracts.toString(), "--registry",
                registry.url());
        assertThat(compatible.exit()).as(compatible.all()).isZero();

        change("    max: 100\n", "    max: 50\n");
        Run breaking = headwater(Map.of(), "contracts", "compat", "--dir", contracts.toString(), "--registry",
                registry.url(), "--output", "json");
        assertThat(breaking.exit()).as(breaking.all()).isEqualTo(1);
        JsonNode report = JSON.readTree(breaking.out());
        assertThat(report.path("reports").get(0).path("changes").get(0).path("kind").asText())
                .isEqualTo("RULE_TIGHTENED");
        assertThat(report.path("problems").get(0).path("message").asText())
                .contains("quantityInRange").contains("publish a new major version");
        Run allowed = headwater(Map.of(), "contracts", "compat", "--dir", contracts.toString(), "--registry",
                registry.url(), "--allow-breaking");
        assertThat(allowed.exit()).as(allowed.all()).isZero();
        assertThat(allowed.out()).contains("BREAKING RULE_TIGHTENED quantityInRange");
    }

    @Test
    void compatComparesWithTheContractAtAGitRevision() throws Exception {
        git("init", "-q");
        git("-c", "user.name=ci", "-c", "user.email=ci@example.com", "commit", "-q", "--allow-empty", "-m", "empty");
        git("add", ".");
        git("-c", "user.name=ci", "-c", "user.email=ci@example.com", "commit", "-q", "-m", "contracts");
        assertThat(headwater(Map.of(), "contracts", "compat", "--dir", contracts.toString(), "--git", "HEAD").exit())
                .isZero();

        change("    max: 100\n", "    max: 50\n");
        Run breaking = headwater(Map.of(), "contracts", "compat", "--dir", contracts.toString(), "--git", "HEAD");
        assertThat(breaking.exit()).as(breaking.all()).isEqualTo(1);
        assertThat(breaking.out()).contains("against orders.yaml@HEAD").contains("BREAKING RULE_TIGHTENED");
        Run unknown = headwater(Map.of(), "contracts", "compat", "--dir", contracts.toString(), "--git", "no-such");
        assertThat(unknown.exit()).as(unknown.all()).isEqualTo(2);
        assertThat(unknown.err()).contains("at git revision no-such cannot be read");
    }

    private void git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process git = new ProcessBuilder(command).directory(work.toFile()).inheritIO().start();
        assertThat(git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0).as("git %s", List.of(args)).isTrue();
    }

    @Test
    void lineageGraphReadsTheEventsGovernedClientsSentThroughOpenLineagesKafkaTransport(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry) throws Exception {
        String topic = "retail.lineage.graph.v1";
        kafka.createTopic(topic, 1, (short) 1);
        kafka.createTopic("openlineage", 1, (short) 1);
        Map<String, Object> openLineage = Map.of(
                "headwater.lineage.openlineage.transport.type", "kafka",
                "headwater.lineage.openlineage.transport.topicName", "openlineage",
                "headwater.lineage.openlineage.transport.properties.bootstrap.servers", kafka.bootstrapServers(),
                "headwater.lineage.openlineage.transport.properties.key.serializer",
                "org.apache.kafka.common.serialization.StringSerializer",
                "headwater.lineage.openlineage.transport.properties.value.serializer",
                "org.apache.kafka.common.serialization.StringSerializer");
        try (var producer = dev.headwater.producer.GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new org.apache.kafka.common.serialization.StringSerializer())
                .valueSerializer(new org.apache.kafka.common.serialization.StringSerializer())
                .application("orders-service", "1.0").tenant("retail")
                .datasetEvents(dev.headwater.lineage.DatasetEvents.configure(openLineage)).build()) {
            producer.send(topic, "k", "v").join();
        }
        try (var consumer = dev.headwater.consumer.GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", "auditors"))
                .keyDeserializer(new org.apache.kafka.common.serialization.StringDeserializer())
                .valueDeserializer(new org.apache.kafka.common.serialization.StringDeserializer())
                .topics(topic).tenant("retail").handler(record -> { })
                .datasetEvents(dev.headwater.lineage.DatasetEvents.configure(openLineage)).build()) {
            consumer.pollOnce(java.time.Duration.ofSeconds(5));
        }

        Map<String, String> env = Map.of("HEADWATER_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        Run text = headwater(env, "lineage", "graph", "--kafka-topic", "openlineage");
        assertThat(text.exit()).as(text.all()).isZero();
        assertThat(text.out()).contains(topic + "  (kafka://").contains("produced by: orders-service")
                .contains("consumed by: auditors");
        Path page = work.resolve("lineage.html");
        Run html = headwater(env, "lineage", "graph", "--kafka-topic", "openlineage", "--format", "html", "--file",
                page.toString());
        assertThat(html.exit()).as(html.all()).isZero();
        assertThat(Files.readString(page)).contains("<svg").contains(topic).contains("auditors");
        assertThat(headwater(Map.of(), "lineage", "graph").exit()).as("no source given").isEqualTo(2);
    }

    @Test
    void asyncapiWritesTheApplicationsDocument() throws Exception {
        Path file = work.resolve("asyncapi.json");
        Run run = headwater(Map.of(), "contracts", "asyncapi", "--dir", contracts.toString(), "--application",
                "orders-service", "--version", "1.2.0", "--server", "production=broker-1:9093", "--format", "json",
                "--file", file.toString());
        assertThat(run.exit()).as(run.all()).isZero();
        JsonNode document = JSON.readTree(Files.readString(file));
        assertThat(document.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(document.path("channels").path("retailOrdersPlacedV1").path("address").asText())
                .isEqualTo("retail.orders.placed.v1");
        assertThat(document.path("operations").path("sendRetailOrdersPlacedV1").path("action").asText())
                .isEqualTo("send");
    }

    @Test
    void odcsExportThenImportGivesTheContractBack() throws Exception {
        Path odcs = work.resolve("orders.odcs.yaml");
        Run export = headwater(Map.of(), "contracts", "odcs", "export", contracts.resolve("orders.yaml").toString(),
                "--file", odcs.toString());
        assertThat(export.exit()).as(export.all()).isZero();
        assertThat(Files.readString(odcs)).contains("apiVersion: v3.1.0").contains("kind: DataContract");

        Path back = work.resolve("orders-back.yaml");
        Run imported = headwater(Map.of(), "contracts", "odcs", "import", odcs.toString(), "--file", back.toString(),
                "--strict");
        assertThat(imported.exit()).as(imported.all()).isZero();
        assertThat(imported.err()).doesNotContain("not represented");
        DataContract original = DataContract.load(contracts.resolve("orders.yaml"));
        DataContract again = DataContract.load(back);
        assertThat(again.subject()).isEqualTo(original.subject());
        assertThat(again.schema()).isEqualTo(original.schema());
        assertThat(again.rules()).hasSameSizeAs(original.rules());
    }

    @Test
    void odcsImportListsWhatTheContractCannotHoldAndStrictFailsOnIt() throws Exception {
        Path odcs = work.resolve("foreign.odcs.yaml");
        Files.writeString(odcs, """
                apiVersion: v3.1.0
                kind: DataContract
                id: orders
                version: 1.0.0
                status: active
                team: {name: team-orders}
                servers:
                  - {server: production, type: kafka, host: "broker-1:9092"}
                schema:
                  - name: orders
                    physicalName: orders
                    properties:
                      - {name: id, logicalType: string, required: true}
                """);
        Run lenient = headwater(Map.of(), "contracts", "odcs", "import", odcs.toString(), "--output", "json");
        assertThat(lenient.exit()).as(lenient.all()).isZero();
        JsonNode report = JSON.readTree(lenient.out());
        assertThat(report.path("subject").asText()).isEqualTo("orders-value");
        assertThat(report.path("notRepresented").toString()).contains("servers");
        assertThat(report.path("contract").asText()).contains("subject: orders-value");

        Run strict = headwater(Map.of(), "contracts", "odcs", "import", odcs.toString(), "--strict");
        assertThat(strict.exit()).as(strict.all()).isEqualTo(1);
        assertThat(strict.err()).contains("not represented: servers");

        Files.writeString(odcs, "apiVersion: v3.1.0\nkind: DataContract\nversion: 1.0.0\n");
        Run refused = headwater(Map.of(), "contracts", "odcs", "import", odcs.toString());
        assertThat(refused.exit()).as(refused.all()).isEqualTo(1);
        // ODCS makes team optional (the contract is then listed as unowned); a contract without a schema is refused
        assertThat(refused.out()).contains("schema is missing").doesNotContain("team");
    }

    @Test
    void aChangeBreakingAConsumerExpectationFailsNamingTheConsumer() throws Exception {
        assertThat(headwater(Map.of(), "contracts", "expectations", "--dir", contracts.toString()).exit()).isZero();

        change("min: 0.01", "min: 0");
        Run broken = headwater(Map.of(), "contracts", "expectations", "--dir", contracts.toString());
        assertThat(broken.exit()).as(broken.all()).isEqualTo(1);
        assertThat(broken.out()).contains("consumer team-payments").contains("relies on 'amount' >= 0.01");
    }

    @Test
    void lineageGraphFromTheClusterNamesProducersByTheirRecordsLineageAndConsumersByTheirGroups(
            EmbeddedKafkaCluster kafka) throws Exception {
        String topic = "retail.cluster" + System.nanoTime() % 100_000 + ".graph.v1";
        kafka.createTopic(topic, 2, (short) 1);
        try (var producer = dev.headwater.producer.GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new org.apache.kafka.common.serialization.StringSerializer())
                .valueSerializer(new org.apache.kafka.common.serialization.StringSerializer())
                .application("billing-service", "2.0").tenant("retail").build()) {
            for (int i = 0; i < 20; i++) {
                producer.send(topic, "k" + i, "v").join();
            }
        }
        try (var consumer = dev.headwater.consumer.GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", "ledger-writers"))
                .keyDeserializer(new org.apache.kafka.common.serialization.StringDeserializer())
                .valueDeserializer(new org.apache.kafka.common.serialization.StringDeserializer())
                .topics(topic).handler(record -> { }).build()) {
            for (int i = 0; i < 10; i++) {
                consumer.pollOnce(java.time.Duration.ofSeconds(1));
            }
        }

        Map<String, String> env = Map.of("HEADWATER_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        Run text = headwater(env, "lineage", "graph", "--from-cluster", "--records-per-partition", "5");
        assertThat(text.exit()).as(text.all()).isZero();
        String block = text.out().substring(text.out().indexOf(topic));
        assertThat(block).startsWith(topic + "  (kafka://");
        assertThat(block.lines().limit(3).toList()).contains("  produced by: billing-service",
                "  consumed by: ledger-writers");
        Run mermaid = headwater(env, "lineage", "graph", "--from-cluster", "--format", "mermaid");
        assertThat(mermaid.exit()).as(mermaid.all()).isZero();
        assertThat(mermaid.out()).contains("billing-service").contains(topic).contains("ledger-writers");
        assertThat(headwater(env, "lineage", "graph", "--from-cluster", "--kafka-topic", "x").exit())
                .as("one source at a time").isEqualTo(2);
    }

    @Test
    void usageReportsTheTenantsTopicsAndCostsInEachFormat(EmbeddedKafkaCluster kafka) throws Exception {
        String topic = "retail.usage" + System.nanoTime() % 100_000 + ".events.v1";
        kafka.createTopic(topic, 2, (short) 1);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            for (int i = 0; i < 50; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "k" + i, "v".repeat(100)));
            }
            producer.flush();
        }
        Path costs = work.resolve("costs.yaml");
        Files.writeString(costs, "currency: EUR\nprices: {storageGbMonth: 0.10, producedGb: 0.04, consumedGb: 0.01,"
                + " partitionMonth: 0.50}\n");
        Map<String, String> env = Map.of("HEADWATER_BOOTSTRAP_SERVERS", kafka.bootstrapServers());

        Run json = headwater(env, "tenants", "usage", "--tenant-policy", "src/test/resources/tenant-retail.yaml",
                "--last", "PT10M", "--cost-model", costs.toString(), "--format", "json");
        assertThat(json.exit()).as(json.all()).isZero();
        JsonNode retail = JSON.readTree(json.out()).path("tenants").get(0);
        assertThat(retail.path("tenant").asText()).isEqualTo("retail");
        JsonNode ours = null;
        for (JsonNode each : retail.path("topics")) {
            if (each.path("topic").asText().equals(topic)) {
                ours = each;
            }
        }
        assertThat(ours).as("the tenant's topic, from the brokers").isNotNull();
        assertThat(ours.path("recordsAppended").asLong()).isEqualTo(50);
        assertThat(ours.path("partitions").asInt()).isEqualTo(2);
        assertThat(ours.path("storageBytes").asLong()).isGreaterThan(50 * 100);
        assertThat(retail.path("cost").path("lines")).hasSize(4);
        assertThat(retail.path("cost").path("lines").get(0).path("calculation").asText()).startsWith("storage: ");

        Path page = work.resolve("usage.html");
        Run html = headwater(env, "tenants", "usage", "--tenant-policy", "src/test/resources/tenant-retail.yaml",
                "--last", "PT10M", "--cost-model", costs.toString(), "--format", "html", "--file", page.toString());
        assertThat(html.exit()).as(html.all()).isZero();
        assertThat(Files.readString(page)).contains("<svg id=\"usage-chart\"").contains("<svg id=\"cost-chart\"")
                .contains("retail");
        Run csv = headwater(env, "tenants", "usage", "--tenant-policy", "src/test/resources/tenant-retail.yaml",
                "--last", "PT10M", "--format", "csv");
        assertThat(csv.exit()).as(csv.all()).isZero();
        assertThat(csv.out().lines().findFirst().orElseThrow()).startsWith("period_start,period_end,environment,tenant");
        Run table = headwater(env, "tenants", "usage", "--tenant-policy", "src/test/resources/tenant-retail.yaml",
                "--last", "PT10M");
        assertThat(table.exit()).as(table.all()).isZero();
        assertThat(table.out()).contains("tenant").contains("retail").contains("no quota");

        Files.writeString(costs, "currency: EUR\nprices: {storageGbMonth: lots}\n");
        Run bad = headwater(env, "tenants", "usage", "--tenant-policy", "src/test/resources/tenant-retail.yaml",
                "--cost-model", costs.toString());
        assertThat(bad.exit()).as(bad.all()).isEqualTo(2);
        assertThat(bad.err()).contains("'prices.storageGbMonth' is 'lots', not a number");
    }

    @Test
    void provisionCreatesTheTenantsTopicsThenReportsNoDriftUntilOneDrifts(EmbeddedKafkaCluster kafka)
            throws Exception {
        Map<String, String> env = Map.of("HEADWATER_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        Run drift = headwater(env, "tenants", "drift", "--dir", contracts.toString(), "--tenant-policy",
                "src/test/resources/tenant-retail.yaml");
        assertThat(drift.exit()).as("missing topics are drift: " + drift.all()).isEqualTo(1);
        assertThat(drift.out()).contains("retail.orders.placed.v1: does not exist");

        Run provision = headwater(env, "tenants", "provision", "--dir", contracts.toString(), "--tenant-policy",
                "src/test/resources/tenant-retail.yaml", "--output", "json");
        assertThat(provision.exit()).as(provision.all()).isZero();
        assertThat(JSON.readTree(provision.out()).path("created").toString())
                .contains("retail.orders.placed.v1").contains("retail.orders.placed.v1.dlq");
        Run none = headwater(env, "tenants", "drift", "--dir", contracts.toString(), "--tenant-policy",
                "src/test/resources/tenant-retail.yaml");
        assertThat(none.exit()).as(none.all()).isZero();

        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "retail.orders.placed.v1");
        Map<ConfigResource, Collection<AlterConfigOp>> change = Map.of(topic, List.of(new AlterConfigOp(
                new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET)));
        kafka.admin().incrementalAlterConfigs(change).all().get(30, TimeUnit.SECONDS);
        Run drifted = headwater(env, "tenants", "drift", "--dir", contracts.toString(), "--tenant-policy",
                "src/test/resources/tenant-retail.yaml", "--output", "json");
        assertThat(drifted.exit()).as(drifted.all()).isEqualTo(1);
        JsonNode problem = JSON.readTree(drifted.out()).path("problems").get(0);
        assertThat(problem.path("where").asText()).isEqualTo("retail.orders.placed.v1");
        assertThat(problem.path("message").asText()).contains("cleanup.policy is compact");
    }

    @Test
    void provisionSetsTheTenantsBrokerQuotasAndDriftFindsThemMissingElsewhere(EmbeddedKafkaCluster kafka)
            throws Exception {
        Path policy = work.resolve("tenant-quota.yaml");
        Files.writeString(policy, Files.readString(Path.of("src/test/resources/tenant-retail.yaml"))
                + "quotas:\n  produce: {bytesPerSecond: 1048576}\n  consume: {bytesPerSecond: 2097152}\n");
        Map<String, String> env = Map.of("HEADWATER_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        Path noContracts = Files.createDirectories(work.resolve("no-contracts")); // quotas only: topics are tested above

        Run unset = headwater(env, "tenants", "drift", "--dir", noContracts.toString(), "--tenant-policy",
                policy.toString(), "--client-id", "retail-apps", "--output", "json");
        assertThat(unset.exit()).as(unset.all()).isEqualTo(1);
        assertThat(unset.out()).contains("quota producer_byte_rate is not set").contains("client-id retail-apps");

        Run provision = headwater(env, "tenants", "provision", "--dir", noContracts.toString(), "--tenant-policy",
                policy.toString(), "--client-id", "retail-apps");
        assertThat(provision.exit()).as(provision.all()).isZero();
        Run checked = headwater(env, "tenants", "drift", "--dir", noContracts.toString(), "--tenant-policy",
                policy.toString(), "--client-id", "retail-apps");
        assertThat(checked.exit()).as(checked.all()).isZero();
        assertThat(checked.out()).contains("checked broker quotas of client id retail-apps");
    }

    @Test
    void usageErrorsAndUnreachableServicesExitWithTwoAndNoSecret() throws Exception {
        Run usage = headwater(Map.of(), "contracts", "chek");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("chek");

        Run unreachable = headwater(Map.of("SCHEMA_REGISTRY_USER_INFO", "ci-bot:s3cr3t-Pa55"), "contracts",
                "register", "--dir", contracts.toString(), "--registry", "http://ci-bot:0ther-s3cret@127.0.0.1:1");
        assertThat(unreachable.exit()).isEqualTo(2);
        assertThat(unreachable.err()).contains("headwater contracts register:").contains("127.0.0.1:1");
        assertThat(unreachable.all()).doesNotContain("s3cr3t-Pa55").doesNotContain("0ther-s3cret");

        Run help = headwater(Map.of(), "tenants", "provision", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--check-only").contains("--command-config");
    }

    @Test
    void withOutputJsonEvenARunThatEndsInTroubleGivesOneJsonObject() throws Exception {
        Run unreachable = headwater(Map.of(), "contracts", "register", "--dir", contracts.toString(), "--registry",
                "http://127.0.0.1:1", "--output", "json");
        assertThat(unreachable.exit()).isEqualTo(2);
        JsonNode report = JSON.readTree(unreachable.out());
        assertThat(report.path("command").asText()).isEqualTo("contracts register");
        assertThat(report.path("ok").asBoolean(true)).isFalse();
        assertThat(report.path("problems").get(0).path("message").asText()).contains("127.0.0.1:1");

        Run usage = headwater(Map.of(), "contracts", "check", "--no-such-option", "--output", "json");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(JSON.readTree(usage.out()).path("problems").get(0).path("message").asText())
                .contains("--no-such-option");

        Run missing = headwater(Map.of(), "contracts", "odcs", "export", work.resolve("nowhere.yaml").toString(),
                "--output", "json");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(JSON.readTree(missing.out()).path("ok").asBoolean(true)).as(missing.all()).isFalse();
    }

    @Test
    void theCommandsThatWriteADocumentTakeOutputJsonToo() throws Exception {
        Run odcs = headwater(Map.of(), "contracts", "odcs", "export", contracts.resolve("orders.yaml").toString(),
                "--output", "json");
        assertThat(odcs.exit()).as(odcs.all()).isZero();
        assertThat(JSON.readTree(odcs.out()).path("document").asText()).contains("kind: DataContract");

        Path document = work.resolve("asyncapi.yaml");
        Run asyncapi = headwater(Map.of(), "contracts", "asyncapi", "--dir", contracts.toString(), "--application",
                "orders-service", "--file", document.toString(), "--output", "json");
        assertThat(asyncapi.exit()).as(asyncapi.all()).isZero();
        assertThat(JSON.readTree(asyncapi.out()).path("file").asText()).isEqualTo(document.toString());
        assertThat(Files.readString(document)).contains("asyncapi: 3.0.0");

        Path events = work.resolve("events.jsonl");
        Files.writeString(events, "");
        Run graph = headwater(Map.of(), "lineage", "graph", "--events", events.toString(), "--output", "json");
        assertThat(graph.exit()).as(graph.all()).isZero();
        assertThat(JSON.readTree(graph.out()).path("command").asText()).isEqualTo("lineage graph");
    }

    @Test
    void kafkasInfoLogsStayOutOfTheOutputUnlessVerbose() throws Exception {
        Path policy = work.resolve("policy.yaml");
        Files.copy(Path.of("src/test/resources/tenant-retail.yaml"), policy);
        Path impatient = work.resolve("admin.properties");
        Files.writeString(impatient, "request.timeout.ms=1000\ndefault.api.timeout.ms=2000\n");
        Run quiet = headwater(Map.of(), "tenants", "drift", "--dir", contracts.toString(), "--tenant-policy",
                policy.toString(), "--bootstrap-servers", "127.0.0.1:1", "--command-config", impatient.toString(),
                "--output", "json");
        assertThat(quiet.exit()).as(quiet.all()).isEqualTo(2);
        assertThat(quiet.err()).as("standard error without --verbose").doesNotContain("AdminClientConfig values")
                .doesNotContain("bootstrap.servers = ");
        Run verbose = headwater(Map.of(), "tenants", "drift", "--dir", contracts.toString(), "--tenant-policy",
                policy.toString(), "--bootstrap-servers", "127.0.0.1:1", "--command-config", impatient.toString(),
                "--verbose");
        assertThat(verbose.exit()).isEqualTo(2);
        assertThat(verbose.err()).contains("AdminClientConfig values");
    }

    @Test
    void stackRunsABrokerAndRegistryWithTheContractsUntilSigterm() throws Exception {
        Path log = work.resolve("stack.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Headwater.class.getName(), "stack", "--kafka-port", "0",
                "--registry-port", "0", "--contract", contracts.resolve("orders.yaml").toString());
        Process stack = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String ready = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (ready == null && System.nanoTime() < deadline && stack.isAlive()) {
                ready = Files.readAllLines(log).stream().filter(l -> l.startsWith("headwater stack: ready"))
                        .findFirst().orElse(null);
                Thread.sleep(200);
            }
            assertThat(ready).as(Files.readString(log)).isNotNull();
            String registryUrl = ready.substring(ready.indexOf("schema.registry.url=") + 20).trim();
            Run planned = headwater(Map.of(), "contracts", "register", "--dir", contracts.toString(), "--registry",
                    registryUrl, "--dry-run", "--output", "json");
            assertThat(JSON.readTree(planned.out()).path("registered").get(0).path("action").asText())
                    .as("the stack registered the contract").isEqualTo("UNCHANGED");
            stack.destroy(); // SIGTERM
            assertThat(stack.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log)).contains("headwater stack: stopped");
        } finally {
            stack.destroyForcibly();
        }
    }

    @Test
    void scorecardMeasuresEachDataProductAndFailsTheBuildWhenAnObjectiveIsMissed(EmbeddedKafkaCluster kafka)
            throws Exception {
        String topic = "retail.scored" + System.nanoTime() % 100_000 + ".orders.v1";
        change("retail.orders.placed.v1", topic);
        kafka.createTopic(topic, 2, (short) 1);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            for (int i = 0; i < 30; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "k" + i, "v"));
            }
            producer.flush();
        }
        Map<String, String> env = Map.of("HEADWATER_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        Run json = headwater(env, "scorecard", "--dir", contracts.toString(), "--last", "PT10M", "--format", "json");
        assertThat(json.exit()).as(json.all()).isZero();
        JsonNode card = JSON.readTree(json.out()).path("scorecards").get(0);
        assertThat(card.path("topics").get(0).asText()).isEqualTo(topic);
        JsonNode throughput = card.path("objectives").get(1);
        assertThat(throughput.path("name").asText()).isEqualTo("throughput");
        assertThat(throughput.path("figures").path("appended").asLong()).isEqualTo(30);
        assertThat(throughput.path("status").asText()).isEqualTo("MISSED"); // 1200 a minute expected
        assertThat(card.path("objectives").get(0).path("status").asText())
                .as("freshness, with no consumer metrics").isEqualTo("NOT_MEASURED");
        assertThat(card.path("objectives").get(2).path("figures").path("withLeader").asInt()).isEqualTo(2);

        Run gate = headwater(env, "scorecard", "--dir", contracts.toString(), "--last", "PT10M", "--fail-on-missed");
        assertThat(gate.exit()).as(gate.all()).isEqualTo(1);
        assertThat(gate.err()).contains("throughput 1200 records/min expected missed");
        assertThat(gate.out()).contains("availability").contains("2 of 2 partitions with a leader");
    }

    @Test
    void rulesRolloutCountsWhatEnforcingEachObservedRuleWouldHaveRefused() throws Exception {
        long now = System.currentTimeMillis() * 1_000_000L;
        Path metrics = work.resolve("metrics.jsonl");
        Files.writeString(metrics, """
                {"resourceMetrics":[{"resource":{"attributes":[]},"scopeMetrics":[{"metrics":[{
                "name":"headwater.contract.violations.observed","sum":{"aggregationTemporality":2,"isMonotonic":true,
                "dataPoints":[%s,%s]}}]}]}]}
                """.replace("\n", "").formatted(point(now, "orders-service", "refuse", 7),
                point(now, "checkout", "refuse", 2)) + "\n");
        Run table = headwater(Map.of(), "rules", "rollout", "--metrics", metrics.toString(), "--last", "PT1H");
        assertThat(table.exit()).as(table.all()).isZero();
        assertThat(table.out()).contains("amountInRange").contains("orders-service").contains("checkout");
        Run json = headwater(Map.of(), "rules", "rollout", "--metrics", metrics.toString(), "--last", "PT1H",
                "--format", "json", "--fail-if-any");
        assertThat(json.exit()).as(json.all()).isEqualTo(1);
        JsonNode rule = JSON.readTree(json.out()).path("rules").get(0);
        assertThat(rule.path("wouldRefuse").asLong()).isEqualTo(9);
        assertThat(rule.path("byApplication").get(0).path("application").asText()).isEqualTo("orders-service");
    }

    private static String point(long nanos, String application, String would, long value) {
        return ("{\"startTimeUnixNano\":\"%d\",\"timeUnixNano\":\"%d\",\"asInt\":\"%d\",\"attributes\":["
                + "{\"key\":\"headwater.contract\",\"value\":{\"stringValue\":\"orders-value\"}},"
                + "{\"key\":\"headwater.rule\",\"value\":{\"stringValue\":\"amountInRange\"}},"
                + "{\"key\":\"headwater.rule.side\",\"value\":{\"stringValue\":\"write\"}},"
                + "{\"key\":\"headwater.rule.would\",\"value\":{\"stringValue\":\"%s\"}},"
                + "{\"key\":\"headwater.application\",\"value\":{\"stringValue\":\"%s\"}}]}")
                .formatted(nanos - 60_000_000_000L, nanos, value, would, application);
    }

    @Test
    void tenantsExportWritesStrimziResourcesForWhatProvisioningWouldCreate() throws Exception {
        Path out = work.resolve("retail-strimzi.yaml");
        Run run = headwater(Map.of(), "tenants", "export", "--format", "strimzi", "--cluster", "my-cluster",
                "--dir", contracts.toString(), "--tenant-policy", "src/test/resources/tenant-retail.yaml",
                "--environment", "prod", "--file", out.toString());
        assertThat(run.exit()).as(run.all()).isZero();
        List<Map<String, Object>> documents = new ArrayList<>();
        new org.yaml.snakeyaml.Yaml().loadAll(Files.readString(out)).forEach(d -> documents.add(asMap(d)));
        assertThat(documents).extracting(d -> d.get("kind") + " " + asMap(d.get("metadata")).get("name"))
                .containsExactly("KafkaTopic retail.orders.placed.v1", "KafkaTopic retail.orders.placed.v1.dlq",
                        "KafkaUser retail");
        assertThat(asMap(documents.get(0).get("spec"))).containsEntry("replicas", 3).containsEntry("partitions", 3);

        Run badCluster = headwater(Map.of(), "tenants", "export", "--format", "strimzi", "--cluster", "My_Cluster",
                "--dir", contracts.toString(), "--tenant-policy", "src/test/resources/tenant-retail.yaml");
        assertThat(badCluster.exit()).isEqualTo(2);
        assertThat(badCluster.err()).contains("'My_Cluster' is not a Kubernetes name");

        Path lineage = work.resolve("lineage.jsonl");
        Files.writeString(lineage, "{\"eventType\":\"START\",\"eventTime\":\"2026-11-29T10:00:00Z\",\"run\":"
                + "{\"runId\":\"01a2270f-813a-7474-9a77-c984507c70f6\"},\"job\":{\"namespace\":\"retail\","
                + "\"name\":\"orders-service\"},\"inputs\":[],\"outputs\":[{\"namespace\":\"kafka://b:9092\","
                + "\"name\":\"retail.orders.placed.v1\"}],\"producer\":\"test\",\"schemaURL\":\"x\"}\n");
        Run backstage = headwater(Map.of(), "tenants", "export", "--format", "backstage", "--dir",
                contracts.toString(), "--tenant-policy", "src/test/resources/tenant-retail.yaml", "--lineage",
                lineage.toString());
        assertThat(backstage.exit()).as(backstage.all()).isZero();
        List<Map<String, Object>> entities = new ArrayList<>();
        new org.yaml.snakeyaml.Yaml().loadAll(backstage.out()).forEach(d -> entities.add(asMap(d)));
        assertThat(entities).extracting(d -> d.get("kind") + " " + asMap(d.get("metadata")).get("name"))
                .contains("System retail", "API retail.orders.placed.v1-value", "Component orders-service");
    }

    @Test
    void tenantsProvisionGrantsThePrincipalsAclsAndDriftNamesOneRemovedByHand() throws Exception {
        try (EmbeddedKafkaCluster secured = EmbeddedKafkaCluster.builder().authorizer().build().start()) {
            Map<String, String> env = Map.of("HEADWATER_BOOTSTRAP_SERVERS", secured.bootstrapServers());
            String[] tenant = {"--dir", contracts.toString(), "--tenant-policy",
                "src/test/resources/tenant-retail.yaml", "--principal", "User:retail-app"};
            Run provision = headwater(env, concat(new String[] {"tenants", "provision"}, tenant));
            assertThat(provision.exit()).as(provision.all()).isZero();
            assertThat(provision.out()).contains("granted User:retail-app WRITE on topic retail.*")
                    .contains("granted User:retail-app READ on group retail.*")
                    .contains("granted User:retail-app WRITE on topic _headwater-lineage");

            var write = new org.apache.kafka.common.acl.AclBinding(new org.apache.kafka.common.resource
                    .ResourcePattern(org.apache.kafka.common.resource.ResourceType.TOPIC, "retail.",
                    org.apache.kafka.common.resource.PatternType.PREFIXED),
                    new org.apache.kafka.common.acl.AccessControlEntry("User:retail-app", "*",
                            org.apache.kafka.common.acl.AclOperation.WRITE,
                            org.apache.kafka.common.acl.AclPermissionType.ALLOW));
            secured.admin().deleteAcls(List.of(write.toFilter())).all().get();
            Run drift = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            do { // the brokers learn of the change from the controller shortly after
                drift = headwater(env, concat(new String[] {"tenants", "drift"}, tenant));
            } while (drift.exit() == 0 && System.nanoTime() < deadline);
            assertThat(drift.exit()).as(drift.all()).isEqualTo(1);
            assertThat(drift.all()).contains("topic retail.*: ACL missing: User:retail-app may not WRITE");
        }
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    private void change(String from, String to) throws IOException {
        Path orders = contracts.resolve("orders.yaml");
        String text = Files.readString(orders);
        assertThat(text).contains(from);
        Files.writeString(orders, text.replace(from, to));
    }

    private record Run(int exit, String out, String err) {
        String all() {
            return "exit " + exit + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    private Run headwater(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Headwater.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("SCHEMA_REGISTRY_URL");
        builder.environment().remove("HEADWATER_BOOTSTRAP_SERVERS");
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("headwater %s finished", List.of(args)).isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
