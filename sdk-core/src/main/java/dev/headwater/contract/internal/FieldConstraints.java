package dev.headwater.contract.internal;

import dev.headwater.contract.AvroFields;
import dev.headwater.contract.ContractRule;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.util.Utf8;

/**
 * Compiles the constraints of a field rule into plain Java checks, once per schema version: the fast path of the rule
 * engine. Each check returns null when the value passes, or what is wrong. Internal: not for users.
 */
public final class FieldConstraints {

    /** ISO 4217 currency codes known to the JDK. */
    public static final Set<String> CURRENCIES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());

    private static final CurrencyCodes CURRENCY_CODES = new CurrencyCodes(CURRENCIES);

    /** One compiled constraint. */
    @FunctionalInterface
    public interface Check {
        /**
         * @param value a non-null value
         * @return null when it passes, otherwise what is wrong
         */
        String test(Object value);
    }

    private FieldConstraints() {
    }

    /**
     * Compiles every constraint of a rule except {@code required}, which the engine checks itself.
     *
     * @param rule the rule
     * @param type the field's value type
     * @param clock the clock for notInFuture
     * @return the checks, in a fixed order
     */
    public static Check[] compile(ContractRule rule, Schema type, Clock clock) {
        List<Check> checks = new ArrayList<>();
        if (rule.min() != null) {
            double min = rule.min();
            String text = "must be at least " + number(min);
            checks.add(v -> ((Number) v).doubleValue() < min ? text : null);
        }
        if (rule.max() != null) {
            double max = rule.max();
            String text = "must be at most " + number(max);
            checks.add(v -> ((Number) v).doubleValue() > max ? text : null);
        }
        if (rule.minLength() != null) {
            int min = rule.minLength();
            String text = "must be at least " + min + " character(s) long";
            checks.add(v -> length(v) < min ? text : null);
        }
        if (rule.maxLength() != null) {
            int max = rule.maxLength();
            String text = "must be at most " + max + " character(s) long";
            checks.add(v -> length(v) > max ? text : null);
        }
        if (!rule.regex().isEmpty()) {
            Pattern pattern = Pattern.compile(rule.regex());
            String text = "must match " + rule.regex();
            FixedLengthPattern fixed = FixedLengthPattern.compile(rule.regex());
            if (fixed != null) {
                checks.add(v -> fixed.matches(v) ? null : text);
            } else {
                // a matcher per thread, reset for each value: a validator is shared by every thread that produces or
                // consumes with the contract, and a new matcher per value costs more than the match of a short text
                ThreadLocal<Matcher> matchers = ThreadLocal.withInitial(() -> pattern.matcher(""));
                checks.add(v -> matchers.get().reset(text(v)).matches() ? null : text);
            }
        }
        if (!rule.allowed().isEmpty()) {
            TextSet allowed = new TextSet(rule.allowed());
            String text = "must be one of " + rule.allowed();
            checks.add(v -> allowed.contains(v) ? null : text);
        }
        switch (rule.format()) {
            case "uuid" -> checks.add(v -> isUuid(v.toString()) ? null : "must be a UUID (8-4-4-4-12 hex digits)");
            case "email" -> checks.add(v -> isEmail(v) ? null : "must be an email address");
            case "iso4217" -> checks.add(v -> CURRENCY_CODES.contains(v) ? null
                    : "must be an ISO 4217 currency code, such as EUR");
            case "iso8601" -> checks.add(v -> parseTime(v.toString()) != null ? null
                    : "must be an ISO-8601 date-time, such as 2026-11-26T10:15:30Z");
            default -> {
                // no format
            }
        }
        if (rule.notInFuture()) {
            boolean micros = AvroFields.micros(type);
            checks.add(v -> {
                long millis;
                if (v instanceof Number n) {
                    millis = micros ? n.longValue() / 1000 : n.longValue();
                } else {
                    Instant instant = parseTime(v.toString());
                    if (instant == null) {
                        return "must be an ISO-8601 date-time";
                    }
                    millis = instant.toEpochMilli();
                }
                return millis > clock.millis() ? "must not be in the future" : null;
            });
        }
        return checks.toArray(Check[]::new);
    }

    /**
     * A check that the value has the Java type Avro gives the field's type, or null for types the checks do not
     * assume (records, arrays, maps, unions): numbers for int, long, float and double; text for strings and enums.
     * Run before the checks of {@link #compile}: a record written under another schema can hold another type under
     * the field's name, and those checks may assume the contract's type.
     *
     * @param type the field's value type in the contract
     * @return the check, or null
     */
    public static Check kindOf(Schema type) {
        if (AvroFields.numeric(type)) {
            String text = "must be a number (the contract's type is " + type.getType().getName() + ")";
            return v -> v instanceof Number ? null : text + ", was " + kind(v);
        }
        if (type.getType() == Schema.Type.STRING || type.getType() == Schema.Type.ENUM) {
            String text = "must be text (the contract's type is " + type.getType().getName() + ")";
            return v -> v instanceof CharSequence || v instanceof org.apache.avro.generic.GenericEnumSymbol<?>
                    ? null : text + ", was " + kind(v);
        }
        if (type.getType() == Schema.Type.BOOLEAN) {
            return v -> v instanceof Boolean ? null : "must be a boolean, was " + kind(v);
        }
        return null;
    }

    private static String kind(Object value) {
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof CharSequence) {
            return "text";
        }
        return value instanceof org.apache.avro.generic.IndexedRecord ? "a record" : "a " + value.getClass()
                .getSimpleName();
    }

    /** A text value as a char sequence: an all-ASCII Avro {@link Utf8} is read on its bytes, without decoding. */
    static CharSequence text(Object value) {
        if (value instanceof Utf8 utf8 && isAscii(utf8)) {
            return new AsciiChars(utf8.getBytes(), 0, utf8.getByteLength());
        }
        return value instanceof CharSequence chars ? chars : value.toString();
    }

    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The length of a text value in UTF-16 chars, as {@link String#length()} gives it. An Avro {@link Utf8} (how a
     * record read from bytes holds its strings) that is all ASCII is measured on its bytes, without decoding it.
     */
    static int length(Object value) {
        if (value instanceof Utf8 utf8 && isAscii(utf8)) {
            return utf8.getByteLength();
        }
        return value.toString().length();
    }

    private static boolean isAscii(Utf8 utf8) {
        byte[] bytes = utf8.getBytes();
        for (int i = 0, n = utf8.getByteLength(); i < n; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** An email check on an all-ASCII Avro {@link Utf8} reads its bytes; anything else is checked as a string. */
    static boolean isEmail(Object value) {
        if (!(value instanceof Utf8 utf8) || !isAscii(utf8)) {
            return isEmail(value.toString());
        }
        byte[] s = utf8.getBytes();
        int length = utf8.getByteLength();
        int at = -1;
        for (int i = 0; i < length; i++) {
            if (s[i] == '@') {
                if (at >= 0) {
                    return false;
                }
                at = i;
            } else if (Character.isWhitespace(s[i])) {
                return false;
            }
        }
        if (at <= 0 || at == length - 1 || length > 254 || s[length - 1] == '.') {
            return false;
        }
        for (int i = at + 2; i < length; i++) {
            if (s[i] == '.') {
                return true;
            }
        }
        return false;
    }

    static boolean isEmail(String s) {
        int at = s.indexOf('@');
        if (at <= 0 || at != s.lastIndexOf('@') || at == s.length() - 1 || s.length() > 254) {
            return false;
        }
        int dot = s.indexOf('.', at + 2);
        if (dot < 0 || dot == s.length() - 1 || s.endsWith(".")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static Instant parseTime(String s) {
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    /**
     * A set of texts that answers for a Java string and for an Avro {@link Utf8} alike, the latter by its bytes,
     * without decoding it into a string: compared one by one in a small set (a length differs most of the time),
     * hashed in a large one.
     */
    static final class TextSet {
        private static final int SMALL = 8;
        private final Set<String> strings;
        private final Set<Utf8> utf8;
        private final Utf8[] few;

        TextSet(java.util.Collection<String> texts) {
            this.strings = Set.copyOf(texts);
            Set<Utf8> encoded = new HashSet<>();
            texts.forEach(text -> encoded.add(new Utf8(text)));
            this.utf8 = encoded;
            this.few = encoded.size() <= SMALL ? encoded.toArray(Utf8[]::new) : null;
        }

        boolean contains(Object value) {
            if (!(value instanceof Utf8 u)) {
                return strings.contains(value.toString());
            }
            if (few == null) {
                return utf8.contains(u);
            }
            for (Utf8 text : few) {
                if (text.equals(u)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * ISO 4217 codes, three capital letters each: a value is looked up by its letters in a bit set, for a string or an
     * Avro {@link Utf8} alike, without hashing or decoding.
     */
    static final class CurrencyCodes {
        private final java.util.BitSet codes = new java.util.BitSet(26 * 26 * 26);

        CurrencyCodes(Set<String> currencies) {
            for (String code : currencies) {
                int index = code.length() == 3 ? index(code.charAt(0), code.charAt(1), code.charAt(2)) : -1;
                if (index < 0) {
                    throw new IllegalStateException("ISO 4217 code '" + code + "' is not three capital letters");
                }
                codes.set(index);
            }
        }

        boolean contains(Object value) {
            int index;
            if (value instanceof Utf8 utf8) {
                byte[] b = utf8.getBytes();
                index = utf8.getByteLength() == 3 ? index((char) b[0], (char) b[1], (char) b[2]) : -1;
            } else {
                String s = value.toString();
                index = s.length() == 3 ? index(s.charAt(0), s.charAt(1), s.charAt(2)) : -1;
            }
            return index >= 0 && codes.get(index);
        }

        private static int index(char a, char b, char c) {
            if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z' || c < 'A' || c > 'Z') {
                return -1;
            }
            return ((a - 'A') * 26 + (b - 'A')) * 26 + (c - 'A');
        }
    }

    /** The bytes of all-ASCII text as chars, for a regular expression to read without decoding them. */
    private record AsciiChars(byte[] bytes, int start, int end) implements CharSequence {
        @Override
        public int length() {
            return end - start;
        }

        @Override
        public char charAt(int index) {
            return (char) bytes[start + index];
        }

        @Override
        public CharSequence subSequence(int from, int to) {
            return new AsciiChars(bytes, start + from, start + to);
        }

        @Override
        public String toString() {
            return new String(bytes, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** @return a number as a contract author wrote it: 10 rather than 10.0 */
    public static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value).toLowerCase(Locale.ROOT);
    }
}
