package dev.headwater.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.HeadwaterException;
import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.support.Contracts;
import dev.headwater.support.Polling;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static LocalStack.Options options(int kafkaPort, int registryPort, Path data) {
        return new LocalStack.Options(kafkaPort, registryPort, 1, data, List.of(), List.of(Contracts.ORDERS), null);
    }

    @Test
    void servesAProducerAndAConsumerInAnotherJvmAndFreesItsPorts() throws Exception {
        int kafkaPort = freePort();
        int registryPort = freePort();
        try (LocalStack stack = LocalStack.start(options(kafkaPort, registryPort, null), QUIET)) {
            assertThat(stack.bootstrapServers()).isEqualTo("127.0.0.1:" + kafkaPort);
            assertThat(stack.registryUrl()).isEqualTo("http://127.0.0.1:" + registryPort);
            Process child = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                    "dev.headwater.support.StackClient", stack.bootstrapServers(), stack.registryUrl(), "5")
                    .redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(output).isZero();
            assertThat(output).contains("stack-client: produced=5 consumed=5");
        }
        for (int port : List.of(kafkaPort, registryPort)) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
        }
    }

    @Test
    void keepsTopicsRecordsAndSchemasAcrossARestartWhenPersistent(@TempDir Path data) throws Exception {
        int kafkaPort = freePort();
        int registryPort = freePort();
        DataContract contract = DataContract.load(Contracts.ORDERS);
        String topic = contract.topics().get(0);
        try (LocalStack stack = LocalStack.start(options(kafkaPort, registryPort, data), QUIET);
                GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                        .kafkaProperties(Map.of("bootstrap.servers", stack.bootstrapServers()))
                        .keySerializer(new StringSerializer()).schemaRegistry(stack.registryUrl()).contract(contract)
                        .application("before-restart", "1.0").build()) {
            for (int i = 0; i < 3; i++) {
                producer.send(topic, "k-" + i, Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
            }
        }

        try (LocalStack again = LocalStack.start(options(kafkaPort, registryPort, data), QUIET)) {
            List<String> keys = new ArrayList<>();
            GovernedConsumer<String, GenericRecord> consumer = GovernedConsumer.<String, GenericRecord>builder()
                    .kafkaProperties(Map.of("bootstrap.servers", again.bootstrapServers(),
                            "group.id", "after-restart"))
                    .keyDeserializer(new StringDeserializer()).schemaRegistry(again.registryUrl()).contract(contract)
                    .topics(topic).handler(r -> keys.add(r.key())).build();
            try {
                Polling.pollUntil(consumer, () -> keys.size() >= 3, Duration.ofSeconds(60));
            } finally {
                consumer.close();
            }
            assertThat(keys).containsExactly("k-0", "k-1", "k-2");
        }
    }

    @Test
    void aPortInUseIsNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> LocalStack.start(options(port, freePort(), null), QUIET))
                    .isInstanceOf(HeadwaterException.class)
                    .hasMessageContaining("Port " + port + " on 127.0.0.1 is already in use");
            assertThatThrownBy(() -> LocalStack.start(options(freePort(), port, null), QUIET))
                    .isInstanceOf(HeadwaterException.class)
                    .hasMessageContaining("Port " + port + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void runsUntilSigtermThenStopsCleanly(@TempDir Path work) throws Exception {
        // output goes to a file: Process.destroy() closes the pipes, so what the stack prints while stopping would
        // be lost on a pipe
        Path output = work.resolve("stack.out");
        Process stack = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                "dev.headwater.testkit.LocalStack", "--kafka-port", Integer.toString(freePort()),
                "--registry-port", Integer.toString(freePort()))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (stack.isAlive() && System.nanoTime() < deadline
                && !java.nio.file.Files.readString(output).contains("press Ctrl-C to stop")) {
            Thread.onSpinWait();
        }
        assertThat(java.nio.file.Files.readString(output)).contains("headwater stack: ready")
                .contains("bootstrap.servers=127.0.0.1:");

        stack.destroy();
        assertThat(stack.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(stack.exitValue()).as("a requested stop exits 0").isZero();
        List<String> lines = java.nio.file.Files.readAllLines(output);
        assertThat(lines).contains("headwater stack: shutting down", "headwater stack: stopped");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
