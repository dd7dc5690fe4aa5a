package dev.headwater.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Maven plugin's goals in real Maven builds of a small project that keeps its contracts in
 * {@code src/main/contracts}, against the in-process broker and registry. Needs the plugin installed first, so it runs
 * in {@code ./mvnw install}.
 */
@HeadwaterTest
class MavenPluginBuildTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path CONTRACTS = REPOSITORY.resolve("samples/contract-tests/contracts");

    @TempDir
    Path project;

    @BeforeEach
    void createTheProject() throws IOException {
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>dev.headwater.test</groupId>
                  <artifactId>orders-contracts</artifactId>
                  <version>1.0.0</version>
                  <packaging>pom</packaging>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>dev.headwater</groupId>
                        <artifactId>headwater-maven-plugin</artifactId>
                        <version>0.1.0-SNAPSHOT</version>
                        <configuration>
                          <tenantPolicy>${project.basedir}/tenant-retail.yaml</tenantPolicy>
                        </configuration>
                        <executions>
                          <execution>
                            <goals>
                              <goal>check</goal>
                              <goal>expectations</goal>
                            </goals>
                          </execution>
                        </executions>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """);
        Files.writeString(project.resolve("tenant-retail.yaml"), """
                tenant: retail
                owns: ["{tenant}.{domain}.{dataset}.v{major}", "{tenant}.{domain}.{dataset}.v{major}.dlq"]
                reads: ["{tenant}.{domain}.{dataset}.v{major}"]
                topics: {defaultPartitions: 3, maxPartitions: 12}
                """);
        Path contracts = project.resolve("src/main/contracts");
        try (Stream<Path> files = Files.walk(CONTRACTS)) {
            for (Path file : files.toList()) {
                Path target = contracts.resolve(CONTRACTS.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    @Test
    void verifyChecksTheContractsAndTheirExamplesAndConsumersAndFailsNamingWhatBroke() throws Exception {
        Build passes = mvn("verify");
        assertThat(passes.exit()).as(passes.output()).isZero();
        assertThat(passes.output()).contains("headwater:check: contracts, examples and guardrails of tenant retail: ok")
                .contains("expectation of team-payments");

        change("min: 0.01", "min: 0");
        Build broken = mvn("verify");
        assertThat(broken.exit()).isNotZero();
        assertThat(broken.output()).contains("[examples] ").contains("orders.examples.yaml invalid[0]: should break "
                + "[amountInRange] but breaks []");
        Build consumers = mvn("headwater:expectations");
        assertThat(consumers.exit()).isNotZero();
        assertThat(consumers.output()).contains("[expectations] ").contains("consumer team-payments")
                .contains("relies on 'amount' >= 0.01");
    }

    @Test
    void asyncapiWritesTheProjectsDocument() throws Exception {
        Build build = mvn("headwater:asyncapi", "-Dheadwater.asyncapiFile=target/asyncapi.yaml");
        assertThat(build.exit()).as(build.output()).isZero();
        String document = Files.readString(project.resolve("target/asyncapi.yaml"));
        assertThat(document).contains("asyncapi: 3.0.0").contains("title: orders-contracts")
                .contains("address: retail.orders.placed.v1").contains("action: send");
    }

    @Test
    void odcsWritesEachContractAsAnOdcsDocument() throws Exception {
        Build build = mvn("headwater:odcs");
        assertThat(build.exit()).as(build.output()).isZero();
        String document = Files.readString(project.resolve("target/odcs/orders.odcs.yaml"));
        assertThat(document).contains("apiVersion: v3.1.0").contains("kind: DataContract")
                .contains("id: retail.orders.placed.v1-value").contains("physicalName: retail.orders.placed.v1");
    }

    @Test
    void registerThenCompatibilityRoundTripsAndABreakingChangeFailsWithTheReport(EmbeddedSchemaRegistry registry)
            throws Exception {
        String url = "-Dheadwater.registry.url=" + registry.url();
        Build plan = mvn("headwater:register", url, "-Dheadwater.dryRun=true");
        assertThat(plan.exit()).as(plan.output()).isZero();
        assertThat(plan.output()).contains("would register retail.orders.placed.v1-value (contract v1.0.0): new "
                + "subject");
        SchemaRegistryClient client = SchemaRegistryClient.builder().urls(registry.url()).build();
        assertThat(client.subjects(false)).as("a dry run registers nothing").isEmpty();

        Build register = mvn("headwater:register", url);
        assertThat(register.exit()).as(register.output()).isZero();
        assertThat(client.subjects(false)).containsExactly("retail.orders.placed.v1-value");
        Build compatible = mvn("headwater:compatibility", url);
        assertThat(compatible.exit()).as(compatible.output()).isZero();
        assertThat(compatible.output()).contains("retail.orders.placed.v1-value: v1.0.0 -> v1.0.0");

        change("max: 100000", "max: 50000");
        Build breaking = mvn("headwater:compatibility", url);
        assertThat(breaking.exit()).isNotZero();
        assertThat(breaking.output()).contains("BREAKING RULE_TIGHTENED amountInRange")
                .contains("publish a new major version on a new topic");
        Build allowed = mvn("headwater:compatibility", url, "-Dheadwater.allowBreaking=true");
        assertThat(allowed.exit()).as(allowed.output()).isZero();
    }

    @Test
    void provisionCreatesTheTopicsAndThenFindsNoDrift(EmbeddedKafkaCluster kafka) throws Exception {
        String cluster = "-Dheadwater.bootstrapServers=" + kafka.bootstrapServers();
        Build missing = mvn("headwater:provision", cluster, "-Dheadwater.checkOnly=true");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.output()).contains("retail.orders.placed.v1: does not exist");

        Build provision = mvn("headwater:provision", cluster);
        assertThat(provision.exit()).as(provision.output()).isZero();
        assertThat(provision.output()).contains("created retail.orders.placed.v1")
                .contains("created retail.orders.placed.v1.dlq");
        assertThat(topicsOnceVisible(kafka, Set.of("retail.orders.placed.v1", "retail.orders.placed.v1.dlq")))
                .as("created by the build, seen by this cluster's metadata")
                .contains("retail.orders.placed.v1", "retail.orders.placed.v1.dlq");

        Build drift = mvn("headwater:provision", cluster, "-Dheadwater.checkOnly=true");
        assertThat(drift.exit()).as(drift.output()).isZero();
        assertThat(drift.output()).contains("topics of tenant retail (check only): ok");
    }

    @Test
    void scorecardWritesAPagePerBuildAndFailsItWhenAnObjectiveIsMissed(EmbeddedKafkaCluster kafka)
            throws Exception {
        String topic = "retail.scored" + System.nanoTime() % 100_000 + ".v1";
        change("retail.orders.placed.v1", topic);
        String cluster = "-Dheadwater.bootstrapServers=" + kafka.bootstrapServers();
        Build missed = mvn("headwater:scorecard", cluster, "-Dheadwater.last=PT10M",
                "-Dheadwater.failOnMissed=true");
        assertThat(missed.exit()).as(missed.output()).isNotZero();
        assertThat(missed.output()).contains("1 objective(s) missed")
                .contains(topic + "-value: availability every partition of its topics has a leader missed")
                .contains("topics missing: [" + topic + "]");

        kafka.createTopic(topic, 1, (short) 1);
        Build met = mvn("headwater:scorecard", cluster, "-Dheadwater.last=PT10M", "-Dheadwater.failOnMissed=true");
        assertThat(met.exit()).as(met.output()).isZero();
        Path page = project.resolve("target/headwater/scorecard.html");
        assertThat(Files.readString(page)).contains("Data product scorecards").contains(topic)
                .contains("Every objective was met.");
    }

    /** The cluster's topics once the expected ones are in its metadata (a broker learns of new topics shortly after). */
    private static Set<String> topicsOnceVisible(EmbeddedKafkaCluster kafka, Set<String> expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Set<String> names = kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS);
        while (!names.containsAll(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            names = kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS);
        }
        return names;
    }

    private void change(String from, String to) throws IOException {
        Path orders = project.resolve("src/main/contracts/orders.yaml");
        String text = Files.readString(orders);
        assertThat(text).contains(from);
        Files.writeString(orders, text.replace(from, to));
    }

    private record Build(int exit, String output) {
    }

    private Build mvn(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(REPOSITORY.resolve("mvnw").toString(), "-B"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(project.getParent(), "mvn", ".log");
        Process build = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("mvn %s finished", List.of(args)).isTrue();
        return new Build(build.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
