package dev.headwater.pipeline.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.HeadwaterException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Metric points read from OTLP JSON: the OpenTelemetry Protocol's JSON encoding, one
 * {@code ExportMetricsServiceRequest}
 * ({@code {"resourceMetrics": [...]}}) per line, as the OpenTelemetry Collector's {@code file} exporter and the SDK's
 * OTLP stdout exporter write it. Sums and histograms (their sums), cumulative or delta.
 */
final class OtlpMetrics {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One series: a metric of one resource with one set of attributes, since one start time (cumulative). */
    private record Series(String metric, Map<String, String> attributes, long startNanos, boolean cumulative) {
    }

    private final Map<Series, TreeMap<Long, Double>> series = new HashMap<>();
    /** The histograms' buckets, by series and time. */
    private final Map<Series, TreeMap<Long, Buckets>> buckets = new HashMap<>();

    /**
     * A histogram's explicit buckets: counts per bucket, bucket {@code i} holding values up to {@code bounds[i]} (the
     * last one, the rest), and the values' count and sum.
     *
     * @param bounds the upper bounds
     * @param counts the counts, one more than the bounds
     * @param count the values counted
     * @param sum their sum
     */
    record Buckets(List<Double> bounds, long[] counts, long count, double sum) {

        static Buckets empty(List<Double> bounds) {
            return new Buckets(bounds, new long[bounds.size() + 1], 0, 0);
        }

        Buckets plus(Buckets other, int sign) {
            if (!bounds.equals(other.bounds)) {
                throw new IllegalArgumentException("histograms of other bucket bounds cannot be added: " + bounds
                        + " and " + other.bounds);
            }
            long[] added = counts.clone();
            for (int i = 0; i < added.length; i++) {
                added[i] += sign * other.counts[i];
            }
            return new Buckets(bounds, added, count + sign * other.count, sum + sign * other.sum);
        }

        /**
         * @param quantile such as 0.99
         * @return the value below which that share of the values lies, interpolated linearly in its bucket; NaN
         *     when nothing was counted
         */
        double quantile(double quantile) {
            if (count == 0) {
                return Double.NaN;
            }
            double rank = quantile * count;
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > 0 && seen + counts[i] >= rank) {
                    double lower = i == 0 ? 0 : bounds.get(i - 1);
                    double upper = i < bounds.size() ? bounds.get(i) : lower;
                    return lower + (upper - lower) * Math.max(0, rank - seen) / counts[i];
                }
                seen += counts[i];
            }
            return bounds.isEmpty() ? Double.NaN : bounds.get(bounds.size() - 1);
        }

        /**
         * @param quantile such as 0.99
         * @return the width of the bucket the quantile falls in, relative to its lower bound: how precise the estimate
         *     is
         */
        double resolution(double quantile) {
            double rank = quantile * count;
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > 0 && seen + counts[i] >= rank) {
                    double lower = i == 0 ? 0 : bounds.get(i - 1);
                    double upper = i < bounds.size() ? bounds.get(i) : Double.POSITIVE_INFINITY;
                    return lower == 0 ? Double.POSITIVE_INFINITY : (upper - lower) / lower;
                }
                seen += counts[i];
            }
            return Double.NaN;
        }
    }
    private int points;

    private OtlpMetrics() {
    }

    /**
     * Reads files of OTLP JSON lines.
     *
     * @param files the files
     * @return their points
     * @throws HeadwaterException naming the file and line that is not OTLP JSON
     */
    static OtlpMetrics read(List<Path> files) {
        OtlpMetrics metrics = new OtlpMetrics();
        for (Path file : files) {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                int number = 0;
                while ((line = reader.readLine()) != null) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode request;
                    try {
                        request = JSON.readTree(line);
                    } catch (IOException e) {
                        throw new HeadwaterException("Metrics file " + file + ":" + number + " is not OTLP JSON (one "
                                + "{\"resourceMetrics\": [...]} object per line): " + e.getMessage(), e);
                    }
                    if (!request.has("resourceMetrics")) {
                        throw new HeadwaterException("Metrics file " + file + ":" + number + " has no resourceMetrics; "
                                + "write the metrics with the OpenTelemetry Collector's file exporter or the OTLP "
                                + "JSON stdout exporter");
                    }
                    metrics.add(request);
                }
            } catch (IOException e) {
                throw new HeadwaterException("Metrics file " + file + " cannot be read: " + e.getMessage(), e);
            }
        }
        return metrics;
    }

    /** @return how many points were read */
    int points() {
        return points;
    }

    private void add(JsonNode request) {
        for (JsonNode resourceMetrics : request.path("resourceMetrics")) {
            Map<String, String> resource = attributes(resourceMetrics.path("resource").path("attributes"));
            for (JsonNode scopeMetrics : resourceMetrics.path("scopeMetrics")) {
                for (JsonNode metric : scopeMetrics.path("metrics")) {
                    String name = metric.path("name").asText();
                    if (metric.has("sum")) {
                        addPoints(name, resource, metric.path("sum"), false);
                    } else if (metric.has("histogram")) {
                        addPoints(name, resource, metric.path("histogram"), true);
                    }
                }
            }
        }
    }

    private void addPoints(String name, Map<String, String> resource, JsonNode data, boolean histogram) {
        JsonNode temporality = data.path("aggregationTemporality");
        boolean cumulative = temporality.isTextual() ? temporality.asText().endsWith("CUMULATIVE")
                : temporality.asInt(2) == 2;
        for (JsonNode point : data.path("dataPoints")) {
            Map<String, String> attributes = new LinkedHashMap<>(resource);
            attributes.putAll(attributes(point.path("attributes")));
            long start = point.path("startTimeUnixNano").asLong();
            long time = point.path("timeUnixNano").asLong();
            double value = histogram ? point.path("sum").asDouble()
                    : point.has("asDouble") ? point.path("asDouble").asDouble() : point.path("asInt").asDouble();
            Series key = new Series(name, attributes, cumulative ? start : 0, cumulative);
            if (histogram && point.has("explicitBounds")) {
                List<Double> bounds = new ArrayList<>();
                point.path("explicitBounds").forEach(bound -> bounds.add(bound.asDouble()));
                long[] counts = new long[bounds.size() + 1];
                JsonNode given = point.path("bucketCounts");
                for (int i = 0; i < counts.length && i < given.size(); i++) {
                    counts[i] = given.get(i).asLong(); // OTLP JSON writes 64-bit integers as strings
                }
                Buckets read = new Buckets(List.copyOf(bounds), counts, point.path("count").asLong(), value);
                TreeMap<Long, Buckets> byTime = buckets.computeIfAbsent(key, k -> new TreeMap<>());
                if (cumulative) {
                    byTime.put(time, read);
                } else {
                    byTime.merge(time, read, (a, b) -> a.plus(b, 1));
                }
            }
            TreeMap<Long, Double> values = series.computeIfAbsent(key, k -> new TreeMap<>());
            if (cumulative) {
                values.put(time, value);
            } else {
                values.merge(time, value, Double::sum);
            }
            points++;
        }
    }

    private static Map<String, String> attributes(JsonNode list) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (JsonNode attribute : list) {
            JsonNode value = attribute.path("value");
            String text = value.has("stringValue") ? value.path("stringValue").asText()
                    : value.has("intValue") ? value.path("intValue").asText()
                    : value.has("boolValue") ? value.path("boolValue").asText()
                    : value.has("doubleValue") ? value.path("doubleValue").asText() : value.toString();
            attributes.put(attribute.path("key").asText(), text);
        }
        return attributes;
    }

    /**
     * How much a metric grew in a period, by the value of one attribute.
     *
     * @param metric the metric's name
     * @param filter which series count, by their attributes (resource and point)
     * @param by the attribute to group by
     * @param from the period's start
     * @param to the period's end
     * @return the growth per value of {@code by}
     */
    Map<String, Double> increase(String metric, Predicate<Map<String, String>> filter, String by, Instant from,
            Instant to) {
        Map<String, Double> totals = new LinkedHashMap<>();
        increase(metric, filter, List.of(by), from, to).forEach((key, value) -> totals.merge(key.get(0), value,
                Double::sum));
        return totals;
    }

    /**
     * How much a metric grew in a period, by the values of several attributes.
     *
     * @param metric the metric's name
     * @param filter which series count, by their attributes (resource and point)
     * @param by the attributes to group by; a missing one counts as empty
     * @param from the period's start
     * @param to the period's end
     * @return the growth per combination of values of {@code by}, in the order of {@code by}
     */
    Map<List<String>, Double> increase(String metric, Predicate<Map<String, String>> filter, List<String> by,
            Instant from, Instant to) {
        return grouped(series, metric, filter, by, from, to, Double::sum, (a, b) -> a - b);
    }

    /**
     * A histogram's buckets filled in a period, added over the series that pass a filter, by the values of
     * attributes.
     *
     * @param metric the histogram's name
     * @param filter which series count
     * @param by the attributes to group by
     * @param from the period's start
     * @param to the period's end
     * @return the buckets per combination of values of {@code by}
     */
    Map<List<String>, Buckets> histogram(String metric, Predicate<Map<String, String>> filter, List<String> by,
            Instant from, Instant to) {
        return grouped(buckets, metric, filter, by, from, to, (a, b) -> a.plus(b, 1), (a, b) -> a.plus(b, -1));
    }

    /** The growth in a period of every series of a metric that passes a filter, added up by attributes' values. */
    private static <P> Map<List<String>, P> grouped(Map<Series, TreeMap<Long, P>> source, String metric,
            Predicate<Map<String, String>> filter, List<String> by, Instant from, Instant to,
            java.util.function.BinaryOperator<P> plus, java.util.function.BinaryOperator<P> minus) {
        long fromNanos = nanos(from);
        long toNanos = nanos(to);
        Map<List<String>, P> totals = new LinkedHashMap<>();
        source.forEach((key, values) -> {
            if (!key.metric().equals(metric) || !filter.test(key.attributes())) {
                return;
            }
            P growth = growth(key, values, fromNanos, toNanos, plus, minus);
            if (growth == null) {
                return;
            }
            List<String> group = new ArrayList<>(by.size());
            by.forEach(attribute -> group.add(key.attributes().getOrDefault(attribute, "")));
            totals.merge(List.copyOf(group), growth, plus);
        });
        return totals;
    }

    /**
     * How much one series grew in a period: for a cumulative series, its value at the period's end less its value at
     * the start (nothing to subtract when it started within the period); for a delta series, the sum of its points
     * in the period.
     *
     * @return the growth; null when the series has no point for the period
     */
    private static <P> P growth(Series key, TreeMap<Long, P> values, long fromNanos, long toNanos,
            java.util.function.BinaryOperator<P> plus, java.util.function.BinaryOperator<P> minus) {
        if (key.cumulative()) {
            Map.Entry<Long, P> end = values.floorEntry(toNanos);
            if (end == null) {
                return null;
            }
            Map.Entry<Long, P> start = key.startNanos() >= fromNanos ? null : values.floorEntry(fromNanos);
            return start == null ? end.getValue() : minus.apply(end.getValue(), start.getValue());
        }
        P sum = null;
        for (P each : values.subMap(fromNanos, false, toNanos, true).values()) {
            sum = sum == null ? each : plus.apply(sum, each);
        }
        return sum;
    }

    /** @return the names of the metrics read, for messages */
    List<String> metricNames() {
        List<String> names = new ArrayList<>();
        series.keySet().forEach(key -> {
            if (!names.contains(key.metric())) {
                names.add(key.metric());
            }
        });
        return names;
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
