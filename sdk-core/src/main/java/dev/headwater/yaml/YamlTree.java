package dev.headwater.yaml;

import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML document read for a settings file Headwater defines (data contracts, tenant policies, cost models), on
 * SnakeYAML's node marks, so that every problem says where it is: {@code orders.yaml:12: unknown key 'rules[].fild';
 * allowed here: [...]}. Reading never stops at the first problem: each is collected, and the caller throws its own
 * exception listing them all when {@link #problems()} is not empty. A key given twice in one mapping is a problem
 * naming both lines (the last would silently win otherwise), and so is a key a mapping does not allow.
 *
 * <p>Not thread safe: one tree is read by one caller.
 */
public final class YamlTree {

    private final String source;
    private final List<String> problems = new ArrayList<>();
    private final Value root;

    private YamlTree(String source, org.yaml.snakeyaml.nodes.Node root) {
        this.source = source;
        this.root = new Value("", root, root == null ? 0 : line(root));
    }

    /**
     * Reads YAML text.
     *
     * @param text the YAML
     * @param source the file name or location, for messages
     * @return the tree; text that is not YAML gives an empty tree with that problem
     */
    public static YamlTree parse(String text, String source) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        org.yaml.snakeyaml.nodes.Node root;
        String invalid = null;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            root = null;
            invalid = source + ":" + (e.getProblemMark().getLine() + 1) + ": not valid YAML: " + e.getProblem();
        } catch (YAMLException e) {
            root = null;
            invalid = source + ": not valid YAML: " + e.getMessage();
        }
        YamlTree tree = new YamlTree(source, root);
        if (invalid != null) {
            tree.problems.add(invalid);
        } else if (root != null) {
            tree.checkDuplicateKeys(root);
        }
        return tree;
    }

    /** @return the document's top node; absent for an empty document */
    public Value root() {
        return root;
    }

    /** @return the document's name, as messages give it */
    public String source() {
        return source;
    }

    /** @return every problem found so far, each with file and line */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * Records a problem about a node.
     *
     * @param at the node, or an absent one (then only the file is named)
     * @param message what is wrong and what to do
     */
    public void problem(Value at, String message) {
        problems.add((at == null || at.line == 0 ? source : source + ":" + at.line) + ": " + message);
    }

    /**
     * Records a problem about the document as a whole.
     *
     * @param message what is wrong and what to do
     */
    public void problem(String message) {
        problems.add(source + ": " + message);
    }

    private void checkDuplicateKeys(org.yaml.snakeyaml.nodes.Node node) {
        if (node instanceof MappingNode mapping) {
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = keyOf(tuple);
                Integer first = seen.putIfAbsent(key, YamlTree.line(tuple.getKeyNode()));
                if (first != null) {
                    problems.add(source + ":" + YamlTree.line(tuple.getKeyNode()) + ": key '" + key + "' is given twice, "
                            + "first at line " + first + ": the last would silently win; keep one");
                }
                checkDuplicateKeys(tuple.getValueNode());
            }
        } else if (node instanceof SequenceNode sequence) {
            sequence.getValue().forEach(this::checkDuplicateKeys);
        }
    }

    private static String keyOf(NodeTuple tuple) {
        return tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : "?";
    }

    private static int line(org.yaml.snakeyaml.nodes.Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /**
     * One node of the tree, or an absent one (a key not given), with its path ({@code owner.team},
     * {@code rules[2].min}) and line. Reading a value of the wrong kind records a problem and gives nothing (null, an
     * empty list or mapping, or the fallback), so that reading goes on.
     */
    public final class Value {
        private final String path;
        private final org.yaml.snakeyaml.nodes.Node node;
        private final int line;
        private Map<String, Value> children;

        private Value(String path, org.yaml.snakeyaml.nodes.Node node, int line) {
            this.path = path;
            // a key without a value ("quotas:") is as good as absent
            this.node = node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag()) ? null : node;
            this.line = line;
        }

        /** @return where the value is in the document: {@code owner.team}; empty for the top */
        public String path() {
            return path;
        }

        /** @return its line, from 1; 0 when absent */
        public int line() {
            return line;
        }

        /** @return true when the document gives it a value (a key with none, or {@code null}, is not given) */
        public boolean present() {
            return node != null;
        }

        /** @return true when it is a mapping */
        public boolean isMapping() {
            return node instanceof MappingNode;
        }

        /** @return true when it is a list */
        public boolean isList() {
            return node instanceof SequenceNode;
        }

        /** @return true when it is a single value */
        public boolean isScalar() {
            return node instanceof ScalarNode;
        }

        private String name() {
            return path.isEmpty() ? "the document" : "'" + path + "'";
        }

        /**
         * Reads a mapping, refusing keys it does not allow.
         *
         * @param allowed the keys allowed, or null for any
         * @return its entries in document order; empty when absent or not a mapping (a problem then)
         */
        public Map<String, Value> mapping(Set<String> allowed) {
            Map<String, Value> entries = children();
            if (allowed == null) {
                return entries;
            }
            Map<String, Value> kept = new LinkedHashMap<>();
            entries.forEach((key, value) -> {
                if (allowed.contains(key)) {
                    kept.put(key, value);
                } else {
                    problem(value, "unknown key '" + value.path + "'; allowed here: " + allowed.stream().sorted()
                            .toList());
                }
            });
            return kept;
        }

        /** The entries of a mapping, read once: a node that is not one is a problem once. */
        private Map<String, Value> children() {
            if (children == null) {
                children = new LinkedHashMap<>();
                if (node instanceof MappingNode mapping) {
                    for (NodeTuple tuple : mapping.getValue()) {
                        String key = keyOf(tuple);
                        children.putIfAbsent(key, new Value(path.isEmpty() ? key : path + "." + key,
                                tuple.getValueNode(), YamlTree.line(tuple.getKeyNode())));
                    }
                } else if (node != null) {
                    problem(this, name() + " must be a mapping");
                }
            }
            return children;
        }

        /**
         * @param key a key of this mapping
         * @return its value; absent when not given (or when this is not a mapping: a problem then)
         */
        public Value get(String key) {
            Value value = children().get(key);
            return value != null ? value : new Value(path.isEmpty() ? key : path + "." + key, null, line);
        }

        /** @return its items; empty when absent or not a list (a problem then) */
        public List<Value> list() {
            List<Value> items = new ArrayList<>();
            if (node == null) {
                return items;
            }
            if (!(node instanceof SequenceNode sequence)) {
                problem(this, name() + " must be a list");
                return items;
            }
            int index = 0;
            for (org.yaml.snakeyaml.nodes.Node item : sequence.getValue()) {
                items.add(new Value(path + "[" + index++ + "]", item, YamlTree.line(item)));
            }
            return items;
        }

        /** @return its text; null when absent or not a single value (a problem then) */
        public String text() {
            if (node == null) {
                return null;
            }
            if (node instanceof ScalarNode scalar) {
                return scalar.getValue();
            }
            problem(this, name() + " must be a single value");
            return null;
        }

        /**
         * @param fallback what an absent value gives
         * @return its text, or the fallback
         */
        public String text(String fallback) {
            String text = text();
            return text == null ? fallback : text;
        }

        /** @return the texts of a list of single values; empty when absent */
        public List<String> texts() {
            List<String> texts = new ArrayList<>();
            for (Value item : list()) {
                String text = item.text();
                if (text != null) {
                    texts.add(text);
                }
            }
            return texts;
        }

        /** @return true for {@code true} (any case), false otherwise */
        public boolean isTrue() {
            return "true".equalsIgnoreCase(text(""));
        }

        /**
         * Reads a whole number within [min, max]; a fraction, text or a number out of range (which a cast would
         * silently truncate) is a problem naming the value and the range.
         *
         * @param min the smallest allowed
         * @param max the largest allowed
         * @param fallback what an absent or wrong value gives
         * @return the number
         */
        public long wholeNumber(long min, long max, long fallback) {
            String text = text();
            if (text == null) {
                return fallback;
            }
            try {
                long number = new BigDecimal(text.trim()).longValueExact();
                if (number >= min && number <= max) {
                    return number;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // reported below
            }
            problem(this, name() + " must be a whole number from " + min + " to " + max + ", was '" + text + "'");
            return fallback;
        }

        /** @return a decimal number; null when absent or not a number (a problem then) */
        public BigDecimal decimal() {
            String text = text();
            if (text == null) {
                return null;
            }
            try {
                return new BigDecimal(text.trim());
            } catch (NumberFormatException e) {
                problem(this, name() + " is '" + text + "', not a number");
                return null;
            }
        }

        /** @return an ISO-8601 duration such as {@code PT5M}; null when absent or not one (a problem then) */
        public Duration duration() {
            String text = text();
            if (text == null) {
                return null;
            }
            try {
                return Duration.parse(text.trim());
            } catch (DateTimeParseException e) {
                problem(this, name() + " must be an ISO-8601 duration such as PT5M, was '" + text + "'");
                return null;
            }
        }

        /**
         * Reads one of an enum's constants, case-insensitively.
         *
         * @param type the enum
         * @param <E> its type
         * @return the constant; null when absent or naming none (a problem then, listing those allowed)
         */
        public <E extends Enum<E>> E choice(Class<E> type) {
            String text = text();
            if (text == null) {
                return null;
            }
            try {
                return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problem(this, name() + " is '" + text + "', not one of " + List.of(type.getEnumConstants()));
                return null;
            }
        }

        @Override
        public String toString() {
            return source + ":" + line + " " + path;
        }
    }
}
