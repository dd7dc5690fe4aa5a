package dev.headwater.pipeline.usage;

import dev.headwater.HeadwaterException;
import dev.headwater.yaml.YamlTree;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
            return parse(dev.headwater.yaml.Utf8Text.read(file), file.toString(), environment);
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
        YamlTree tree = YamlTree.parse(yaml, source);
        YamlTree.Value root = tree.root();
        if (tree.problems().isEmpty() && !root.isMapping()) {
            tree.problem("the cost model must be a mapping with currency and prices");
        }
        root.mapping(TOP);
        String currency = root.get("currency").text();
        if (currency == null || currency.isBlank()) {
            tree.problem("'currency' is required, such as currency: EUR");
        }
        Map<String, BigDecimal> prices = new LinkedHashMap<>();
        prices(tree, root.get("prices"), prices);
        String picked = environment == null ? "" : environment;
        YamlTree.Value environments = root.get("environments");
        for (Map.Entry<String, YamlTree.Value> other : environments.mapping(null).entrySet()) {
            if (!other.getKey().equals(picked)) {
                // checked although not used today: the model is one file, and a wrong price waits for its month
                prices(tree, other.getValue(), new LinkedHashMap<>());
            }
        }
        if (!picked.isEmpty()) {
            YamlTree.Value chosen = environments.get(picked);
            if (!chosen.present()) {
                tree.problem("environment '" + picked + "' has no prices; defined: "
                        + environments.mapping(null).keySet() + " (add it under environments:, or leave the "
                        + "environment out for the model's own prices)");
            } else {
                prices(tree, chosen, prices);
            }
        }
        for (String price : PRICES) {
            if (!prices.containsKey(price) && tree.problems().isEmpty()) {
                tree.problem("price '" + price + "' is not given" + (picked.isEmpty() ? ""
                        : " for environment '" + picked + "'") + "; give it under prices: (0 when free)");
            }
        }
        if (!tree.problems().isEmpty()) {
            throw new HeadwaterException("Invalid cost model " + source + ":\n  "
                    + String.join("\n  ", tree.problems()));
        }
        return new CostModel(currency, picked, prices.get("storageGbMonth"), prices.get("producedGb"),
                prices.get("consumedGb"), prices.get("partitionMonth"));
    }

    private static void prices(YamlTree tree, YamlTree.Value node, Map<String, BigDecimal> into) {
        for (Map.Entry<String, YamlTree.Value> entry : node.mapping(Set.copyOf(PRICES)).entrySet()) {
            BigDecimal price = entry.getValue().decimal();
            if (price != null && price.signum() < 0) {
                tree.problem(entry.getValue(), entry.getValue().path() + " is " + price
                        + "; a price must not be negative");
            } else if (price != null) {
                into.put(entry.getKey(), price);
            }
        }
    }
}
