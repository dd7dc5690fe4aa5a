package dev.headwater.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageDescriptors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Who produces and who consumes each topic, read from OpenLineage run events (those Headwater's clients emit, or any
 * other producer's) or from the cluster itself (the lineage of each topic's latest records, the consumer groups'
 * committed offsets): applications write topics, consumer groups read them. Printed as text, or written as Graphviz
 * DOT, Mermaid, or a self-contained HTML page (inline SVG and a table, no script, no network) a person opens in a
 * browser. Immutable.
 */
public final class LineageGraph {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A topic: its cluster (OpenLineage dataset namespace, such as {@code kafka://broker:9092}) and name. */
    public record Topic(String namespace, String name) {
    }

    /** A job: an application (producer) or a consumer group, in its OpenLineage namespace. */
    public record Job(String namespace, String name) {
    }

    private final Map<Topic, Set<Job>> producers;
    private final Map<Topic, Set<Job>> consumers;

    private LineageGraph(Map<Topic, Set<Job>> producers, Map<Topic, Set<Job>> consumers) {
        this.producers = producers;
        this.consumers = consumers;
    }

    /**
     * Reads OpenLineage run events, one JSON object per line (as OpenLineage's file transport writes them); blank
     * lines are skipped.
     *
     * @param lines the events
     * @return the graph
     * @throws IllegalArgumentException naming the line that is not a JSON object
     */
    public static LineageGraph fromOpenLineage(Iterable<String> lines) {
        Comparator<Topic> byTopic = Comparator.comparing(Topic::name).thenComparing(Topic::namespace);
        Map<Topic, Set<Job>> producers = new TreeMap<>(byTopic);
        Map<Topic, Set<Job>> consumers = new TreeMap<>(byTopic);
        int number = 0;
        for (String line : lines) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (IOException e) {
                throw new IllegalArgumentException("line " + number + " is not an OpenLineage event (JSON): "
                        + e.getMessage(), e);
            }
            JsonNode jobNode = event.path("job");
            if (jobNode.isMissingNode()) {
                continue; // a dataset event: no job, no edge
            }
            Job job = new Job(jobNode.path("namespace").asText(), jobNode.path("name").asText());
            for (JsonNode output : event.path("outputs")) {
                producers.computeIfAbsent(topic(output), t -> new LinkedHashSet<>()).add(job);
            }
            for (JsonNode input : event.path("inputs")) {
                consumers.computeIfAbsent(topic(input), t -> new LinkedHashSet<>()).add(job);
            }
        }
        return new LineageGraph(producers, consumers);
    }

    /**
     * Reads the graph from a cluster itself, for applications that send no OpenLineage events: each topic's producers
     * are the applications named by the Headwater lineage of its latest records (format 1 or 2, descriptors read from
     * the cluster's descriptor topic), its consumers the consumer groups that committed offsets on it. Topics are
     * named in {@code kafka://{first bootstrap server}} like OpenLineage's; producers are in their tenant's namespace
     * (or {@code headwater}), groups in the cluster's. Records without Headwater lineage name no producer; Kafka's
     * internal topics and the descriptor topic are left out.
     *
     * @param clientSettings connection and security settings of the cluster (bootstrap.servers and the rest), as
     *     every client of it takes them
     * @param recordsPerPartition how many of each partition's latest records are read, at least 1
     * @param timeout how long reading them may take
     * @return the graph
     * @throws IllegalStateException when the cluster does not answer
     */
    public static LineageGraph fromCluster(Map<String, Object> clientSettings, int recordsPerPartition,
            Duration timeout) {
        if (recordsPerPartition < 1) {
            throw new IllegalArgumentException("recordsPerPartition must be at least 1, was " + recordsPerPartition);
        }
        Object bootstrap = clientSettings.get("bootstrap.servers");
        if (bootstrap == null) {
            throw new IllegalArgumentException("bootstrap.servers is required to read the graph from a cluster");
        }
        String first = String.valueOf(bootstrap).split(",")[0].trim();
        String namespace = "kafka://" + (first.contains("://") ? first.substring(first.indexOf("://") + 3) : first);
        Comparator<Topic> byTopic = Comparator.comparing(Topic::name).thenComparing(Topic::namespace);
        Map<Topic, Set<Job>> producers = new TreeMap<>(byTopic);
        Map<Topic, Set<Job>> consumers = new TreeMap<>(byTopic);
        Map<String, Object> consumerSettings = new HashMap<>(clientSettings);
        consumerSettings.remove("group.id");
        consumerSettings.put("enable.auto.commit", false);
        consumerSettings.put("client.id", "headwater-lineage-graph-" + UUID.randomUUID());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(clientSettings);
                LineageDescriptors descriptors = LineageDescriptors
                        .fromKafka(clientSettings);
                KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(consumerSettings,
                                new ByteArrayDeserializer(),
                                new ByteArrayDeserializer())) {
            long seconds = Math.max(1, timeout.toSeconds());
            Set<String> names = new TreeSet<>(admin.listTopics().names()
                    .get(seconds, TimeUnit.SECONDS));
            names.removeIf(name -> name.startsWith("__") || name.equals(LineageDescriptors.DEFAULT_TOPIC));
            List<TopicPartition> partitions = new ArrayList<>();
            for (String name : names) {
                consumer.partitionsFor(name, timeout).forEach(info -> partitions.add(
                        new TopicPartition(info.topic(), info.partition())));
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions, timeout);
            List<TopicPartition> withRecords = partitions.stream()
                    .filter(partition -> ends.get(partition) > starts.get(partition)).toList();
            consumer.assign(withRecords);
            for (TopicPartition partition : withRecords) {
                consumer.seek(partition, Math.max(starts.get(partition), ends.get(partition) - recordsPerPartition));
            }
            Set<TopicPartition> reading = new HashSet<>(withRecords);
            while (!reading.isEmpty() && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    Lineage.from(record, descriptors).ifPresent(lineage -> {
                        if (!lineage.application().isEmpty()) {
                            producers.computeIfAbsent(new Topic(namespace, record.topic()),
                                    t -> new LinkedHashSet<>()).add(new Job(lineage.tenant().isEmpty()
                                    ? "headwater" : lineage.tenant(), lineage.application()));
                        }
                    });
                }
                reading.removeIf(partition -> consumer.position(partition) >= ends.get(partition));
            }
            for (var group : admin.listConsumerGroups().all().get(seconds, TimeUnit.SECONDS)) {
                Map<TopicPartition, OffsetAndMetadata>
                        offsets = admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata()
                        .get(seconds, TimeUnit.SECONDS);
                for (var partition : offsets.keySet()) {
                    if (names.contains(partition.topic())) {
                        consumers.computeIfAbsent(new Topic(namespace, partition.topic()), t -> new LinkedHashSet<>())
                                .add(new Job(namespace, group.groupId()));
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The cluster " + first + " did not answer: " + (e.getCause() == null
                    ? e.toString() : e.getCause().getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the lineage graph from " + first, e);
        }
        return new LineageGraph(producers, consumers);
    }

    private static Topic topic(JsonNode dataset) {
        return new Topic(dataset.path("namespace").asText(), dataset.path("name").asText());
    }

    /** @return every topic, by name */
    public List<Topic> topics() {
        Set<Topic> topics = new TreeSet<>(Comparator.comparing(Topic::name)
                .thenComparing(Topic::namespace));
        topics.addAll(producers.keySet());
        topics.addAll(consumers.keySet());
        return List.copyOf(topics);
    }

    /** @param topic a topic @return the jobs that write it */
    public Set<Job> producersOf(Topic topic) {
        return Set.copyOf(producers.getOrDefault(Objects.requireNonNull(topic, "topic"), Set.of()));
    }

    /** @param topic a topic @return the jobs that read it */
    public Set<Job> consumersOf(Topic topic) {
        return Set.copyOf(consumers.getOrDefault(Objects.requireNonNull(topic, "topic"), Set.of()));
    }

    /** @return one block per topic: who produces it, who consumes it */
    public String toText() {
        StringBuilder text = new StringBuilder();
        for (Topic topic : topics()) {
            text.append(topic.name()).append("  (").append(topic.namespace()).append(")\n");
            text.append("  produced by: ").append(names(producers.get(topic))).append('\n');
            text.append("  consumed by: ").append(names(consumers.get(topic))).append('\n');
        }
        return text.toString();
    }

    /** @return the graph in Graphviz DOT: jobs as boxes, topics as cylinders, edges in the data's direction */
    public String toDot() {
        StringBuilder dot = new StringBuilder("digraph lineage {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        for (Job job : jobs()) {
            dot.append("  ").append(quote(jobId(job))).append(" [shape=box, label=").append(quote(job.name()))
                    .append("];\n");
        }
        for (Topic topic : topics()) {
            dot.append("  ").append(quote(topicId(topic))).append(" [shape=cylinder, label=")
                    .append(quote(topic.name())).append("];\n");
        }
        for (Topic topic : topics()) {
            for (Job job : producers.getOrDefault(topic, Set.of())) {
                dot.append("  ").append(quote(jobId(job))).append(" -> ").append(quote(topicId(topic))).append(";\n");
            }
            for (Job job : consumers.getOrDefault(topic, Set.of())) {
                dot.append("  ").append(quote(topicId(topic))).append(" -> ").append(quote(jobId(job))).append(";\n");
            }
        }
        return dot.append("}\n").toString();
    }

    /** @return the graph as a Mermaid flowchart */
    public String toMermaid() {
        List<Job> jobs = jobs();
        List<Topic> topics = topics();
        StringBuilder mermaid = new StringBuilder("flowchart LR\n");
        for (int i = 0; i < jobs.size(); i++) {
            mermaid.append("  j").append(i).append("[\"").append(mermaidText(jobs.get(i).name())).append("\"]\n");
        }
        for (int i = 0; i < topics.size(); i++) {
            mermaid.append("  t").append(i).append("[(\"").append(mermaidText(topics.get(i).name())).append("\")]\n");
        }
        for (int i = 0; i < topics.size(); i++) {
            Topic topic = topics.get(i);
            for (Job job : producers.getOrDefault(topic, Set.of())) {
                mermaid.append("  j").append(jobs.indexOf(job)).append(" --> t").append(i).append('\n');
            }
            for (Job job : consumers.getOrDefault(topic, Set.of())) {
                mermaid.append("  t").append(i).append(" --> j").append(jobs.indexOf(job)).append('\n');
            }
        }
        return mermaid.toString();
    }

    /**
     * @param title the page's title
     * @return a self-contained XHTML page: the graph as inline SVG (producers left, topics in the middle, consumers
     *     right) and a table of the same, readable without the picture
     */
    public String toHtml(String title) {
        List<Topic> topics = topics();
        List<Job> writers = new ArrayList<>();
        List<Job> readers = new ArrayList<>();
        for (Topic topic : topics) {
            producers.getOrDefault(topic, Set.of()).stream().filter(j -> !writers.contains(j)).forEach(writers::add);
            consumers.getOrDefault(topic, Set.of()).stream().filter(j -> !readers.contains(j)).forEach(readers::add);
        }
        int rows = Math.max(1, Math.max(topics.size(), Math.max(writers.size(), readers.size())));
        int width = 960;
        int boxWidth = 240;
        int boxHeight = 40;
        int gap = 24;
        int height = rows * (boxHeight + gap) + gap;
        int[] columns = {20, (width - boxWidth) / 2, width - boxWidth - 20};
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"lineage graph\">\n")
                .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" "
                        + "markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" "
                        + "fill=\"#555\"/></marker></defs>\n");
        for (int i = 0; i < topics.size(); i++) {
            Topic topic = topics.get(i);
            for (Job job : producers.getOrDefault(topic, Set.of())) {
                edge(svg, columns[0] + boxWidth, y(writers.indexOf(job), boxHeight, gap), columns[1],
                        y(i, boxHeight, gap), "produces");
            }
            for (Job job : consumers.getOrDefault(topic, Set.of())) {
                edge(svg, columns[1] + boxWidth, y(i, boxHeight, gap), columns[2], y(readers.indexOf(job), boxHeight,
                        gap), "consumes");
            }
        }
        for (int i = 0; i < writers.size(); i++) {
            box(svg, columns[0], i, boxWidth, boxHeight, gap, "application", writers.get(i).name(),
                    writers.get(i).namespace());
        }
        for (int i = 0; i < topics.size(); i++) {
            box(svg, columns[1], i, boxWidth, boxHeight, gap, "topic", topics.get(i).name(),
                    topics.get(i).namespace());
        }
        for (int i = 0; i < readers.size(); i++) {
            box(svg, columns[2], i, boxWidth, boxHeight, gap, "consumer", readers.get(i).name(),
                    readers.get(i).namespace());
        }
        svg.append("</svg>\n");
        StringBuilder table = new StringBuilder("<table>\n<thead><tr><th>topic</th><th>cluster</th><th>produced by"
                + "</th><th>consumed by</th></tr></thead>\n<tbody>\n");
        for (Topic topic : topics) {
            table.append("<tr class=\"topic\"><td>").append(xml(topic.name())).append("</td><td>")
                    .append(xml(topic.namespace())).append("</td><td>").append(xml(names(producers.get(topic))))
                    .append("</td><td>").append(xml(names(consumers.get(topic)))).append("</td></tr>\n");
        }
        table.append("</tbody>\n</table>\n");
        return "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                + "<meta charset=\"utf-8\"/>\n<title>" + xml(title) + "</title>\n<style>\n"
                + "body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#222}\n"
                + ".application rect{fill:#e3f2fd;stroke:#1565c0}.topic rect{fill:#fff8e1;stroke:#ef6c00}"
                + ".consumer rect{fill:#e8f5e9;stroke:#2e7d32}\n"
                + "svg text{font-size:13px}line{stroke:#555;stroke-width:1.5}\n"
                + "table{border-collapse:collapse;margin-top:2em}td,th{border:1px solid #ccc;padding:4px 8px;"
                + "text-align:left}\n</style>\n</head>\n<body>\n<h1>" + xml(title) + "</h1>\n"
                + "<p>Applications (left) produce topics (middle) that consumer groups (right) consume, from "
                + "OpenLineage events.</p>\n" + svg + table + "</body>\n</html>\n";
    }

    private List<Job> jobs() {
        Set<Job> jobs = new LinkedHashSet<>();
        producers.values().forEach(jobs::addAll);
        consumers.values().forEach(jobs::addAll);
        return List.copyOf(jobs);
    }

    private static int y(int row, int boxHeight, int gap) {
        return gap + row * (boxHeight + gap) + boxHeight / 2;
    }

    private static void edge(StringBuilder svg, int x1, int y1, int x2, int y2, String kind) {
        svg.append("<line class=\"").append(kind).append("\" x1=\"").append(x1).append("\" y1=\"").append(y1)
                .append("\" x2=\"").append(x2).append("\" y2=\"").append(y2)
                .append("\" marker-end=\"url(#arrow)\"/>\n");
    }

    private static void box(StringBuilder svg, int x, int row, int width, int height, int gap, String kind,
            String label, String namespace) {
        int y = gap + row * (height + gap);
        svg.append("<g class=\"").append(kind).append("\"><title>").append(xml(namespace + " / " + label))
                .append("</title><rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"")
                .append(width).append("\" height=\"").append(height).append("\" rx=\"6\"/><text x=\"")
                .append(x + 10).append("\" y=\"").append(y + height / 2 + 5).append("\">").append(xml(label))
                .append("</text></g>\n");
    }

    private static String names(Set<Job> jobs) {
        return jobs == null || jobs.isEmpty() ? "(none seen)"
                : String.join(", ", jobs.stream().map(Job::name).toList());
    }

    private static String jobId(Job job) {
        return "job:" + job.namespace() + "/" + job.name();
    }

    private static String topicId(Topic topic) {
        return "topic:" + topic.namespace() + "/" + topic.name();
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String mermaidText(String text) {
        return text.replace("\"", "#quot;");
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * Reads OpenLineage events from a file of JSON lines.
     *
     * @param file the file
     * @return the graph
     */
    public static LineageGraph fromOpenLineageFile(java.nio.file.Path file) {
        try {
            return fromOpenLineage(java.nio.file.Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException("OpenLineage events " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
