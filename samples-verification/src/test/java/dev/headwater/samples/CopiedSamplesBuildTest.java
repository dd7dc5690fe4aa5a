package dev.headwater.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies each sample out of the repository and builds it there, alone, against the SDK in the local Maven repository:
 * what a team does when it starts from a sample. Needs the SDK installed first, so it runs in {@code ./mvnw install}
 * (the README's test command).
 */
class CopiedSamplesBuildTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    @ParameterizedTest
    @ValueSource(strings = {"quickstart", "orders-producer", "payments-consumer", "contract-tests", "spring-orders"})
    void aCopiedSampleBuildsAndPassesItsTestsOnItsOwn(String sample, @TempDir Path work) throws Exception {
        Path copy = work.resolve(sample);
        copyTree(REPOSITORY.resolve("samples").resolve(sample), copy);
        String pom = Files.readString(copy.resolve("pom.xml"));
        assertThat(pom).as("no Headwater parent").doesNotContain("<artifactId>headwater-parent</artifactId>");
        if (pom.contains("<parent>")) {
            assertThat(pom).as("a parent from a repository, never a relative path").contains("<relativePath/>");
        }
        assertThat(pom).as("the testkit (and with it the broker) is a test dependency only")
                .containsPattern("<artifactId>sdk-testkit</artifactId>\\s*<scope>test</scope>");

        Path log = work.resolve("build.log");
        Process build = new ProcessBuilder(REPOSITORY.resolve("mvnw").toString(), "-B", "-q", "verify")
                .directory(copy.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = build.waitFor(10, TimeUnit.MINUTES);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("build of copied %s finished", sample).isTrue();
        assertThat(build.exitValue()).as("build of copied %s:%n%s", sample, tail(output)).isZero();
        try (Stream<Path> reports = Files.list(copy.resolve("target/surefire-reports"))) {
            List<Path> files = reports.filter(p -> p.toString().endsWith(".txt")).toList();
            assertThat(files).as("the copied %s ran its tests", sample).isNotEmpty();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path relative = from.relativize(source);
                if (relative.startsWith("target")) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String tail(String output) {
        return output.length() < 4000 ? output : output.substring(output.length() - 4000);
    }
}
