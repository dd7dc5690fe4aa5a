package dev.headwater.pipeline.usage;

import dev.headwater.HeadwaterException;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * What the platform charges its tenants: prices per GB stored per month, per GB produced, per GB consumed and per
 * partition per month, in one currency, with prices per environment. A GB is 10<sup>9</sup> bytes and a month 30
 * days. Read from YAML:
 *
 * <pre>{@code
 * currency: EUR
 * prices:                       # every environment, unless it says otherwise
 *   storageGbMonth: 0.10
 *   producedGb: 0.04
 *   consumedGb: 0.01
 *   partitionMonth: 0.50
 * environments:
 *   prod:
 *     storageGbMonth: 0.12      # the keys it sets; the rest from prices
 * }</pre>
 *
 * @param currency the currency every price is in, such as {@code EUR}
 * @param environment the environment whose prices these are, or empty for the model's own
 * @param storageGbMonth price of one GB stored (all replicas) for one month
 * @param producedGb price of one GB produced
 * @param consumedGb price of one GB consumed
 * @param partitionMonth price of one partition for one month
 */
public record CostModel(String currency, String environment, BigDecimal storageGbMonth, BigDecimal producedGb,
        BigDecimal consumedGb, BigDecimal partitionMonth) {

    /** Bytes in a GB. */
    public static final BigDecimal BYTES_PER_GB = BigDecimal.valueOf(1_000_000_000L);
    /** Seconds in a month. */
    public static final BigDecimal SECONDS_PER_MONTH = BigDecimal.valueOf(30L * 24 * 3600);

    private static final List<String> PRICES = List.of("storageGbMonth", "producedGb", "consumedGb",
            "partitionMonth");
    private static final Set<String> TOP = Set.of("currency", "prices", "environments");

    /** Checks that every part is given and no price is negative. */
    public CostModel {
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(environment, "environment");
        for (BigDecimal price : List.of(storageGbMonth, producedGb, consumedGb, partitionMonth)) {
            if (Objects.requireNonNull(price, "price").signum() < 0) {
                throw new IllegalArgumentException("a price must not be negative, was " + price);
            }
        }
    }

    /**
     * Loads a cost model and picks an environment's prices.
     *
     * @param file the YAML file
     * @param environment the environment, or null or empty for the model's own prices
     * @return the prices that apply
     * @throws HeadwaterException naming the file, line and key of every problem
     */
    public static CostModel load(Path file, String environment) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), environment);
        } catch (IOException e) {
            throw new HeadwaterException("Cost model " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a cost model and picks an environment's prices.
     *
     * @param yaml the model
     * @param source its name for messages
     * @param environment the environment, or null or empty for the model's own prices
     * @return the prices that apply
     * @throws HeadwaterException naming the source, line and key of every problem
     */
    public static CostModel parse(String yaml, String source, String environment) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            throw new HeadwaterException("Cost model " + source + ":" + (e.getProblemMark().getLine() + 1)
                    + ": not valid YAML: " + e.getProblem());
        }
        List<String> problems = new ArrayList<>();
        Map<String, NodeTuple> top = mapping(root, "", TOP, source, problems);
        String currency = scalar(top.get("currency"));
        if (currency == null || currency.isBlank()) {
            problems.add(source + ": 'currency' is required, such as currency: EUR");
        }
        Map<String, BigDecimal> prices = new LinkedHashMap<>();
        if (top.containsKey("prices")) {
            prices(top.get("prices").getValueNode(), "prices.", source, prices, problems);
        }
        String picked = environment == null ? "" : environment;
        if (!picked.isEmpty()) {
            Map<String, NodeTuple> environments = top.containsKey("environments")
                    ? mapping(top.get("environments").getValueNode(), "environments.", null, source, problems)
                    : Map.of();
            if (!environments.containsKey(picked)) {
                problems.add(source + ": environment '" + picked + "' has no prices; defined: "
                        + environments.keySet() + " (add it under environments:, or leave the environment out for "
                        + "the model's own prices)");
            } else {
                prices(environments.get(picked).getValueNode(), "environments." + picked + ".", source, prices,
                        problems);
            }
        }
        for (String price : PRICES) {
            if (!prices.containsKey(price) && problems.isEmpty()) {
                problems.add(source + ": price '" + price + "' is not given" + (picked.isEmpty() ? ""
                        : " for environment '" + picked + "'") + "; give it under prices: (0 when free)");
            }
        }
        if (!problems.isEmpty()) {
            throw new HeadwaterException("Invalid cost model " + source + ":\n  " + String.join("\n  ", problems));
        }
        return new CostModel(currency, picked, prices.get("storageGbMonth"), prices.get("producedGb"),
                prices.get("consumedGb"), prices.get("partitionMonth"));
    }

    private static void prices(Node node, String prefix, String source, Map<String, BigDecimal> into,
            List<String> problems) {
        for (Map.Entry<String, NodeTuple> entry : mapping(node, prefix, Set.copyOf(PRICES), source, problems)
                .entrySet()) {
            String text = scalar(entry.getValue());
            int line = entry.getValue().getKeyNode().getStartMark().getLine() + 1;
            try {
                BigDecimal price = new BigDecimal(text == null ? "" : text.trim());
                if (price.signum() < 0) {
                    problems.add(source + ":" + line + ": " + prefix + entry.getKey() + " is " + text
                            + "; a price must not be negative");
                } else {
                    into.put(entry.getKey(), price);
                }
            } catch (NumberFormatException e) {
                problems.add(source + ":" + line + ": " + prefix + entry.getKey() + " is '" + text
                        + "', not a number (write it in the currency's units, such as 0.12)");
            }
        }
    }

    private static Map<String, NodeTuple> mapping(Node node, String prefix, Set<String> allowed, String source,
            List<String> problems) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        if (!(node instanceof MappingNode mapping)) {
            problems.add(source + (node == null ? "" : ":" + (node.getStartMark().getLine() + 1)) + ": '"
                    + (prefix.isEmpty() ? "the cost model" : prefix.substring(0, prefix.length() - 1))
                    + "' must be a mapping");
            return entries;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : "?";
            if (allowed != null && !allowed.contains(key)) {
                problems.add(source + ":" + (tuple.getKeyNode().getStartMark().getLine() + 1) + ": unknown key '"
                        + prefix + key + "'; allowed here: " + allowed.stream().sorted().toList());
            } else {
                entries.put(key, tuple);
            }
        }
        return entries;
    }

    private static String scalar(NodeTuple tuple) {
        return tuple != null && tuple.getValueNode() instanceof ScalarNode scalar ? scalar.getValue() : null;
    }
}
