package dev.headwater.cli;

import dev.headwater.pipeline.LineageGraph;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code headwater lineage ...}: the dataset lineage graph from OpenLineage events. */
@Command(name = "lineage", mixinStandardHelpOptions = true,
        description = "Who produces and consumes each topic, from OpenLineage events or the cluster itself.",
        subcommands = {LineageCommand.Graph.class})
final class LineageCommand {

    private LineageCommand() {
    }

    /** {@code headwater lineage graph}. */
    @Command(name = "graph", mixinStandardHelpOptions = true,
            description = "Read OpenLineage events (files of JSON lines, as OpenLineage's file transport writes them, "
                    + "or a Kafka topic its Kafka transport writes to), or the cluster itself (--from-cluster: the "
                    + "Headwater lineage of each topic's latest records and the consumer groups' committed offsets), "
                    + "and print who produces and consumes each topic, or write the graph as Graphviz DOT, Mermaid or "
                    + "a self-contained HTML page.")
    static final class Graph implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Options.Kafka kafka;
        @Option(names = "--events", paramLabel = "FILE", description = "a file of OpenLineage events (repeatable)")
        List<Path> files = new ArrayList<>();
        @Option(names = "--kafka-topic", paramLabel = "TOPIC", description = "a topic of OpenLineage events, read "
                + "from its beginning to its end (with --bootstrap-servers)")
        String topic;
        @Option(names = "--from-cluster", description = "read the graph from the cluster (--bootstrap-servers): "
                + "producers from the lineage headers of each partition's latest records, consumers from committed "
                + "offsets")
        boolean fromCluster;
        @Option(names = "--records-per-partition", defaultValue = "100", paramLabel = "N",
                description = "with --from-cluster, how many of each partition's latest records to read "
                        + "(default: ${DEFAULT-VALUE})")
        int recordsPerPartition;
        @Option(names = "--format", defaultValue = "text", paramLabel = "text|dot|mermaid|html",
                description = "text (default), dot, mermaid or html")
        String format;
        @Option(names = "--title", defaultValue = "Dataset lineage", description = "the HTML page's title")
        String title;
        @Option(names = "--file", paramLabel = "FILE", description = "write it here instead of standard output")
        Path file;
        @Mixin
        Options.Output output;

        @Override
        public Integer call() throws IOException {
            if (files.isEmpty() && topic == null && !fromCluster) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give --events FILE, "
                        + "--kafka-topic TOPIC or --from-cluster");
            }
            LineageGraph graph;
            if (fromCluster) {
                if (!files.isEmpty() || topic != null) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--from-cluster reads the "
                            + "cluster only; leave out --events and --kafka-topic");
                }
                graph = LineageGraph.fromCluster(kafka.settings(), recordsPerPartition, Duration.ofSeconds(60));
                spec.commandLine().getErr().println("headwater: " + graph.topics().size() + " topic(s) in the cluster");
            } else {
                List<String> lines = new ArrayList<>();
                for (Path events : files) {
                    lines.addAll(Files.readAllLines(events));
                }
                if (topic != null) {
                    lines.addAll(readTopic());
                }
                spec.commandLine().getErr().println("headwater: " + lines.stream().filter(l -> !l.isBlank()).count()
                        + " OpenLineage event(s)");
                graph = LineageGraph.fromOpenLineage(lines);
            }
            String text = switch (format) {
                case "dot" -> graph.toDot();
                case "mermaid" -> graph.toMermaid();
                case "html" -> graph.toHtml(title);
                case "text" -> graph.toText();
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format must be "
                        + "text, dot, mermaid or html, was '" + format + "'");
            };
            return Report.document(spec, output.format, "lineage graph", text, file);
        }

        private List<String> readTopic() {
            Map<String, Object> settings = kafka.settings();
            settings.put("group.id", "headwater-lineage-" + UUID.randomUUID());
            settings.put("enable.auto.commit", false);
            List<String> lines = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                if (partitions.isEmpty()) {
                    throw new IllegalArgumentException("topic " + topic + " does not exist");
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        if (record.value() != null) {
                            lines.add(new String(record.value(), StandardCharsets.UTF_8));
                        }
                    }
                }
            }
            return lines;
        }
    }
}
