package dev.headwater.pipeline.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A cost model applied to a period's usage: for each tenant, one line per item with its quantity, price and, for what
 * is charged by the month, the months the period lasts; then the total. Amounts are rounded half-even to
 * {@value #SCALE} decimals per line; the total is the sum of the lines.
 *
 * @param model the prices
 * @param months the period in months (of 30 days)
 * @param tenants each tenant's cost
 */
public record Chargeback(CostModel model, BigDecimal months, List<TenantCost> tenants) {

    /** Decimals kept in amounts. */
    public static final int SCALE = 6;
    /** Decimals kept in the period's months. */
    public static final int MONTH_SCALE = 9;

    /** Copies the list. */
    public Chargeback {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(months, "months");
        tenants = List.copyOf(tenants);
    }

    /**
     * Applies a model to usage.
     *
     * @param model the prices
     * @param period the period's length
     * @param usages what each tenant used
     * @return the costs
     */
    public static Chargeback of(CostModel model, Duration period, List<TenantUsage> usages) {
        BigDecimal months = months(period);
        List<TenantCost> costs = new ArrayList<>();
        for (TenantUsage usage : usages) {
            List<CostLine> lines = List.of(
                    monthly("storage", gigabytes(usage.storageBytes()), "GB", model.storageGbMonth(), months,
                            model.currency()),
                    once("produced", gigabytes(usage.chargedBytesProduced()), "GB", model.producedGb(),
                            model.currency()),
                    once("consumed", gigabytes(usage.bytesConsumed()), "GB", model.consumedGb(), model.currency()),
                    monthly("partitions", BigDecimal.valueOf(usage.partitions()), "partitions",
                            model.partitionMonth(), months, model.currency()));
            BigDecimal total = lines.stream().map(CostLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
            costs.add(new TenantCost(usage.tenant(), lines, total));
        }
        return new Chargeback(model, months, costs);
    }

    /** @return the period in months of 30 days, rounded half-even to {@value #MONTH_SCALE} decimals */
    public static BigDecimal months(Duration period) {
        return BigDecimal.valueOf(period.toMillis()).movePointLeft(3)
                .divide(CostModel.SECONDS_PER_MONTH, MONTH_SCALE, RoundingMode.HALF_EVEN);
    }

    /** @return bytes in GB, exactly */
    public static BigDecimal gigabytes(long bytes) {
        return BigDecimal.valueOf(bytes).movePointLeft(9);
    }

    /** @return the sum of every tenant's total */
    public BigDecimal total() {
        return tenants.stream().map(TenantCost::total).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static CostLine monthly(String item, BigDecimal quantity, String unit, BigDecimal price, BigDecimal months,
            String currency) {
        BigDecimal amount = quantity.multiply(price).multiply(months).setScale(SCALE, RoundingMode.HALF_EVEN);
        return new CostLine(item, quantity, unit, price, months, amount, item + ": "
                + quantity.stripTrailingZeros().toPlainString() + " " + unit + " x " + price.toPlainString() + " "
                + currency + " per " + singular(unit) + "-month x " + months.stripTrailingZeros().toPlainString()
                + " months = " + amount.toPlainString() + " " + currency);
    }

    private static CostLine once(String item, BigDecimal quantity, String unit, BigDecimal price, String currency) {
        BigDecimal amount = quantity.multiply(price).setScale(SCALE, RoundingMode.HALF_EVEN);
        return new CostLine(item, quantity, unit, price, BigDecimal.ONE, amount, item + ": "
                + quantity.stripTrailingZeros().toPlainString() + " " + unit + " x " + price.toPlainString() + " "
                + currency + " per " + unit + " = " + amount.toPlainString() + " " + currency);
    }

    private static String singular(String unit) {
        return unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
    }

    /**
     * One tenant's cost.
     *
     * @param tenant the tenant
     * @param lines one per item: storage, produced, consumed, partitions
     * @param total their sum
     */
    public record TenantCost(String tenant, List<CostLine> lines, BigDecimal total) {

        /** Copies the list. */
        public TenantCost {
            lines = List.copyOf(lines);
        }

        /**
         * @param item storage, produced, consumed or partitions
         * @return its line
         */
        public CostLine line(String item) {
            return lines.stream().filter(line -> line.item().equals(item)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no cost line '" + item + "'"));
        }
    }

    /**
     * One item of a tenant's cost, with its calculation.
     *
     * @param item storage, produced, consumed or partitions
     * @param quantity how much: GB or partitions
     * @param unit GB or partitions
     * @param price the model's price per unit (per month for storage and partitions)
     * @param months the months charged (1 for what is charged once)
     * @param amount quantity x price x months, rounded
     * @param calculation the same in words, such as {@code storage: 1.5 GB x 0.10 EUR per GB-month x 1 months = ...}
     */
    public record CostLine(String item, BigDecimal quantity, String unit, BigDecimal price, BigDecimal months,
            BigDecimal amount, String calculation) {
    }
}
