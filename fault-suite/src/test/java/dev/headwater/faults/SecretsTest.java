package dev.headwater.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials never leave their origin and never reach a log: {@link SecretScenarios} runs in a JVM of its own with
 * every logger at DEBUG, and everything it printed and logged is searched for the secret.
 */
@HeadwaterTest
class SecretsTest {

    @Test
    void noSecretReachesALogAnExceptionAToStringOrAnotherOrigin(EmbeddedKafkaCluster kafka, @TempDir Path dir)
            throws Exception {
        Path log = dir.resolve("debug.log");
        Path out = dir.resolve("out.txt");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-Dorg.slf4j.simpleLogger.logFile=" + log,
                "-cp", System.getProperty("java.class.path"), SecretScenarios.class.getName(),
                kafka.bootstrapServers())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("scenarios finished").isTrue();
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        String logged = Files.readString(log, StandardCharsets.UTF_8);

        assertThat(printed).as("what the scenarios printed").contains("scenarios done")
                .contains("dead-lettered=true")
                .contains("own-origin-authorization=present")
                .contains("other-origin-authorization=none")
                .contains("serde config: AvroSerdeConfig{urls=[http://***@127.0.0.1:8081]")
                .contains("malformed URL refused").contains("URL without a scheme refused")
                .contains("misspelt Headwater key refused");
        assertThat(logged).as("the DEBUG log").contains("DEBUG").hasSizeGreaterThan(10_000);
        assertThat(printed).as("what the scenarios printed").doesNotContain(SecretScenarios.SECRET);
        assertThat(logged).as("everything logged at DEBUG").doesNotContain(SecretScenarios.SECRET);
        Figures.refused("secrets: registry credentials in URLs and settings, a redirect to another origin, "
                + "malformed settings, SASL and TLS passwords in client settings, a dead letter by an internal "
                + "producer; every logger at DEBUG", (printed.length() + logged.length()) / 1024 + " KiB printed "
                + "and logged, no secret in it; no Authorization header sent to the other origin");
    }
}
