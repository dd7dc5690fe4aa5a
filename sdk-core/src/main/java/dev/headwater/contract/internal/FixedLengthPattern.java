package dev.headwater.contract.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.util.Utf8;

/**
 * A regular expression that is a fixed sequence of ASCII characters and classes, such as {@code ^SKU-[A-Z]{3}-\d{3}$},
 * matched position by position: the shape of most identifier and code formats in contracts, checked without the
 * general engine's per-match work and on an Avro {@link Utf8}'s bytes. {@link #compile} gives null for anything else
 * (alternation, optional or repeated parts, negated classes, flags, {@code .}, most escapes), which the caller leaves to
 * {@link java.util.regex.Pattern}. Matching is {@link java.util.regex.Matcher#matches()}: the whole text. Internal: not
 * for users.
 */
final class FixedLengthPattern {

    private static final int MAX_POSITIONS = 256;
    private static final String LITERAL_ESCAPES = "\\.-^$|?*+()[]{}/";

    /** Per position, the ASCII characters it accepts: bit c of low for c < 64, bit c - 64 of high otherwise. */
    private final long[] low;
    private final long[] high;

    private FixedLengthPattern(long[] low, long[] high) {
        this.low = low;
        this.high = high;
    }

    /**
     * Plans a regular expression that already compiled with {@link java.util.regex.Pattern}.
     *
     * @param regex the expression
     * @return the fixed-length matcher, or null when the expression is not of that shape
     */
    static FixedLengthPattern compile(String regex) {
        int end = regex.length();
        int i = regex.startsWith("^") ? 1 : 0;
        if (end > i && regex.charAt(end - 1) == '$' && !escaped(regex, end - 1)) {
            end--;
        }
        List<long[]> positions = new ArrayList<>();
        while (i < end) {
            long[] set = new long[2];
            char c = regex.charAt(i);
            if (c == '[') {
                i = parseClass(regex, i + 1, end, set);
            } else if (c == '\\') {
                i = parseEscape(regex, i + 1, end, set);
            } else if (c < 128 && "^$.|?*+()[]{}".indexOf(c) < 0) {
                add(set, c);
                i++;
            } else {
                return null;
            }
            if (i < 0) {
                return null;
            }
            int copies = 1;
            if (i < end && regex.charAt(i) == '{') {
                int close = regex.indexOf('}', i);
                if (close < 0 || close > end || close == i + 1) {
                    return null;
                }
                String count = regex.substring(i + 1, close);
                if (!count.chars().allMatch(Character::isDigit) || count.length() > 3) {
                    return null; // {n,}, {n,m} and huge counts are left to the general engine
                }
                copies = Integer.parseInt(count);
                i = close + 1;
            }
            for (int k = 0; k < copies; k++) {
                positions.add(set);
            }
            if (positions.size() > MAX_POSITIONS) {
                return null;
            }
        }
        long[] low = new long[positions.size()];
        long[] high = new long[positions.size()];
        for (int p = 0; p < low.length; p++) {
            low[p] = positions.get(p)[0];
            high[p] = positions.get(p)[1];
        }
        return new FixedLengthPattern(low, high);
    }

    /** @return true when the whole text matches */
    boolean matches(Object value) {
        if (value instanceof Utf8 utf8) {
            byte[] bytes = utf8.getBytes();
            if (utf8.getByteLength() != low.length) {
                return false; // a non-ASCII text never matches, whatever its length in chars
            }
            for (int p = 0; p < low.length; p++) {
                if (bytes[p] < 0 || !accepts(p, bytes[p])) {
                    return false;
                }
            }
            return true;
        }
        CharSequence text = value instanceof CharSequence chars ? chars : value.toString();
        if (text.length() != low.length) {
            return false;
        }
        for (int p = 0; p < low.length; p++) {
            char c = text.charAt(p);
            if (c >= 128 || !accepts(p, c)) {
                return false;
            }
        }
        return true;
    }

    private boolean accepts(int position, int c) {
        return c < 64 ? (low[position] & (1L << c)) != 0 : (high[position] & (1L << (c - 64))) != 0;
    }

    /** Parses {@code [...]} from after its bracket; returns the index after it, or -1 when not supported. */
    private static int parseClass(String regex, int i, int end, long[] set) {
        if (i < end && regex.charAt(i) == '^') {
            return -1; // negated
        }
        boolean first = true;
        while (i < end) {
            char c = regex.charAt(i);
            if (c == ']') {
                return first ? -1 : i + 1;
            }
            if (c == '-' && !first && i + 1 < end && regex.charAt(i + 1) != ']') {
                return -1; // a dash after a range or between classes: left to the general engine's reading
            }
            first = false;
            int from;
            if (c == '\\') {
                long[] escaped = new long[2];
                int next = parseEscape(regex, i + 1, end, escaped);
                if (next < 0) {
                    return -1;
                }
                if (Long.bitCount(escaped[0]) + Long.bitCount(escaped[1]) != 1) {
                    set[0] |= escaped[0]; // \d: not the start of a range
                    set[1] |= escaped[1];
                    i = next;
                    continue;
                }
                from = escaped[0] != 0 ? Long.numberOfTrailingZeros(escaped[0])
                        : 64 + Long.numberOfTrailingZeros(escaped[1]);
                i = next;
            } else if (c >= 128 || c == '[' || c == '&' || c == '^') {
                return -1; // Java's unions and intersections, and characters beyond ASCII
            } else {
                from = c;
                i++;
            }
            if (i + 1 < end && regex.charAt(i) == '-' && regex.charAt(i + 1) != ']') {
                char to = regex.charAt(i + 1);
                if (to >= 128 || to == '\\' || to == '[' || to == '&' || to < from) {
                    return -1;
                }
                for (int x = from; x <= to; x++) {
                    add(set, (char) x);
                }
                i += 2;
            } else {
                add(set, (char) from);
            }
        }
        return -1; // unclosed
    }

    /** Parses an escape from after its backslash: {@code \d} or an escaped punctuation character. */
    private static int parseEscape(String regex, int i, int end, long[] set) {
        if (i >= end) {
            return -1;
        }
        char c = regex.charAt(i);
        if (c == 'd') {
            for (char x = '0'; x <= '9'; x++) {
                add(set, x);
            }
            return i + 1;
        }
        if (LITERAL_ESCAPES.indexOf(c) >= 0) {
            add(set, c);
            return i + 1;
        }
        return -1;
    }

    private static boolean escaped(String regex, int index) {
        int backslashes = 0;
        for (int i = index - 1; i >= 0 && regex.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static void add(long[] set, char c) {
        if (c < 64) {
            set[0] |= 1L << c;
        } else {
            set[1] |= 1L << (c - 64);
        }
    }
}
