package dev.headwater.contract.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class FixedLengthPatternTest {

    private static final List<String> FIXED = List.of("^SKU-[A-Z]{3}-[0-9]{3}$", "SKU-[A-Z]{3}-\\d{3}", "\\d{5}",
            "^[A-Z]{2}[0-9]{2}$", "a\\.b", "[a-c-]x", "[-x]{2}", "^$", "", "a{0}b", "[A-Za-z0-9_]{4}", "\\$\\^",
            "[\\d.]{3}", "[\\]a]", "x\\-y", "^\\d{3}\\$$", "[ab]{03}", "a/b", "#&", "\t");
    private static final List<String> LEFT_TO_THE_ENGINE = List.of("(?i)abc", "a+", "a*", "a?", "[^a]", "\\w{3}",
            "a.c", "a|b", "[a&&b]", "(ab)", "a{1,3}", "a{2,}", "[a-c-e]", "[]a]", "é", "[a-é]", "a$b", "a{2}?",
            "[[a]]", "\\bword", "a{1000}", "[a", "}");

    @Test
    void givesTheVerdictOfJavasMatchesForTextsAndUtf8Alike() {
        Random random = new Random(42);
        String alphabet = "SKUABCZaz09-._$^\\é\n]x#&\t/b";
        List<String> texts = new ArrayList<>(List.of("", "SKU-ABC-123", "SKU-ABC-1234", "SKU-abc-123", "SKU-ÄBC-123",
                "12345", "AB12", "a.b", "axb", "cx", "-x", "--", "b", "aaab", "$^", "1.2", "]", "a", "x-y", "123$",
                "aab", "a/b", "#&", "\t", "SKU-ABC-123\n"));
        for (int i = 0; i < 5000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(13); n > 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            texts.add(text.toString());
        }
        for (String regex : FIXED) {
            FixedLengthPattern fixed = FixedLengthPattern.compile(regex);
            assertNotNull(fixed, regex);
            Pattern pattern = Pattern.compile(regex);
            for (String text : texts) {
                boolean expected = pattern.matcher(text).matches();
                assertEquals(expected, fixed.matches(text), "'" + regex + "' on '" + text + "'");
                assertEquals(expected, fixed.matches(new Utf8(text)), "'" + regex + "' on Utf8 '" + text + "'");
            }
        }
    }

    @Test
    void leavesEveryOtherShapeToTheGeneralEngine() {
        for (String regex : LEFT_TO_THE_ENGINE) {
            assertNull(FixedLengthPattern.compile(regex), regex);
        }
    }
}
