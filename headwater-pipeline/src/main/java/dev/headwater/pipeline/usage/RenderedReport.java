package dev.headwater.pipeline.usage;

import java.util.List;
import java.util.Locale;

/** A report that reads as a table for a terminal, CSV, JSON and, where it has one, an HTML page. */
public interface RenderedReport {

    /** @return the report as a plain-text table */
    String toText();

    /** @return the report as CSV, with a header row */
    String toCsv();

    /** @return the report as JSON */
    String toJson();

    /**
     * @return the report as a self-contained HTML page
     * @throws UnsupportedOperationException when the report has no page ({@link #formats()} says)
     */
    default String toHtml() {
        throw new UnsupportedOperationException("this report has no HTML page");
    }

    /** @return the formats the report has, as {@link #render} takes them */
    default List<String> formats() {
        return List.of("table", "csv", "json", "html");
    }

    /**
     * @param format one of {@link #formats()}; {@code text} is {@code table}
     * @return the report in that format
     * @throws IllegalArgumentException naming the format and those there are
     */
    default String render(String format) {
        String wanted = format.toLowerCase(Locale.ROOT).equals("text") ? "table" : format.toLowerCase(Locale.ROOT);
        if (!formats().contains(wanted)) {
            throw new IllegalArgumentException("format '" + format + "' is not one of "
                    + String.join(", ", formats()));
        }
        return switch (wanted) {
            case "csv" -> toCsv();
            case "json" -> toJson();
            case "html" -> toHtml();
            default -> toText();
        };
    }
}
