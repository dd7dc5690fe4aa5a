package dev.headwater;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.HeadwaterTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves that the README's "hello governed producer" compiles and runs as written. */
@HeadwaterTest
class ReadmeExampleTest {

    private static final String MARKER = "<!-- hello-governed-producer";

    @Test
    void helloGovernedProducerFromTheReadmeCompilesAndSends(EmbeddedKafkaCluster kafka, @TempDir Path work)
            throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int marker = readme.indexOf(MARKER);
        assertThat(marker).as("README.md has the marked hello-governed-producer block").isNotNegative();
        int start = readme.indexOf("```java\n", marker) + "```java\n".length();
        String source = readme.substring(start, readme.indexOf("```", start));

        Path file = work.resolve("HelloGovernedProducer.java");
        Files.writeString(file, source);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = compiler.run(null, diagnostics, diagnostics, "-classpath", System.getProperty("java.class.path"),
                "-d", work.toString(), file.toString());
        assertThat(status).as("javac output: %s", diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        PrintStream originalOut = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {work.toUri().toURL()},
                getClass().getClassLoader())) {
            Method main = loader.loadClass("HelloGovernedProducer").getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {kafka.bootstrapServers()});
        } finally {
            System.setOut(originalOut);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).matches("(?s)sent event [0-9a-f]{16}-0 at offset 0\\R");
        assertThat(List.of(readme.split("\n"))).contains("./mvnw -B install");
    }

    @Test
    void theSerdeConfigurationTableListsEveryDeclaredKeyWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        var definition = dev.headwater.serde.AvroSerdeConfig.CONFIG_DEF;
        for (var key : definition.configKeys().values()) {
            Object fallback = key.defaultValue;
            String expected = "| `" + key.name + "` | " + (key.defaultValue == org.apache.kafka.common.config.ConfigDef
                    .NO_DEFAULT_VALUE ? "(required)" : fallback == null ? "(none)" : "`" + fallback + "`") + " | "
                    + key.documentation + " |";
            assertThat(readme).as("README row for %s", key.name).contains(expected);
        }
    }

    @Test
    void theLineageSectionDescribesBothFormatsEveryHeaderAndTheCompactLayout() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String lineage = readme.substring(readme.indexOf("## Lineage"), readme.indexOf("## Refused and dead-lettered"));
        for (var field : dev.headwater.lineage.LineageHeaders.class.getFields()) {
            if (field.getType() == String.class && !field.getName().equals("CLOUDEVENTS_SPEC_VERSION")
                    && !field.getName().equals("FORMAT_VERSION")) {
                assertThat(lineage).as("README's lineage section names header %s", field.getName())
                        .contains("`" + field.get(null) + "`");
            }
        }
        assertThat(lineage).contains("### Format 2: compact").contains("### Format 1: CloudEvents binary mode")
                .contains("| 8 | descriptor id, big-endian |").contains("| varint | sequence |")
                .contains("`" + dev.headwater.lineage.LineageDescriptors.DEFAULT_TOPIC + "`")
                .contains("`headwater.lineage.format`").contains("`headwater.lineage.descriptor.topic`");
    }
}
