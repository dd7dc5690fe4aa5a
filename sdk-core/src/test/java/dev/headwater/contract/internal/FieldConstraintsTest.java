package dev.headwater.contract.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwater.contract.ContractRule;
import java.time.Clock;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class FieldConstraintsTest {

    private static final Schema STRING = Schema.create(Schema.Type.STRING);

    /** Texts with the edge cases of each check: empty, non-ASCII, whitespace, several '@', dots at the ends. */
    private static final List<String> TEXTS = List.of("", "EUR", "eur", "EURO", "XTS", "web", "Web", "web ", "mobile",
            "störe", "store", "ab", "abcde", "abcdé", "añb", "a@b.c", "a@b", "@b.c", "a@.c", "a@b.", "a@@b.c",
            "a@b@c.d", "a b@c.d", "a@b.c\t", "jane.doe@example.com", "jöhn@example.com", "x@y..z", "a@bc",
            "very.long.name+tag@sub.example.co.uk", "日本@例え.jp");

    @Test
    void anAvroUtf8ValueGetsTheVerdictItsStringGets() {
        List<ContractRule> rules = List.of(
                ContractRule.field("len", "f").minLength(3).maxLength(4).build(),
                ContractRule.field("currency", "f").format("iso4217").build(),
                ContractRule.field("email", "f").format("email").build(),
                ContractRule.field("channel", "f").allowed(List.of("web", "mobile", "störe")).build());
        for (ContractRule rule : rules) {
            FieldConstraints.Check[] checks = FieldConstraints.compile(rule, STRING, Clock.systemUTC());
            for (String text : TEXTS) {
                for (FieldConstraints.Check check : checks) {
                    assertEquals(check.test(text), check.test(new Utf8(text)),
                            "rule " + rule.name() + " on '" + text + "'");
                }
            }
        }
    }

    @Test
    void lengthCountsCharsOfAsciiAndNonAsciiUtf8Alike() {
        assertEquals(5, FieldConstraints.length(new Utf8("abcde")));
        assertEquals(5, FieldConstraints.length(new Utf8("abcdé")));
        assertEquals(2, FieldConstraints.length(new Utf8("日本")));
        assertEquals(0, FieldConstraints.length(new Utf8("")));
    }

    @Test
    void setsAndFormatsAcceptAndRefuseUtf8Values() {
        FieldConstraints.Check currency = FieldConstraints.compile(
                ContractRule.field("currency", "f").format("iso4217").build(), STRING, Clock.systemUTC())[0];
        assertNull(currency.test(new Utf8("EUR")));
        assertEquals("must be an ISO 4217 currency code, such as EUR", currency.test(new Utf8("EURO")));

        FieldConstraints.Check channel = FieldConstraints.compile(
                ContractRule.field("channel", "f").allowed(List.of("web", "störe")).build(), STRING,
                Clock.systemUTC())[0];
        assertNull(channel.test(new Utf8("störe")));
        assertEquals("must be one of [web, störe]", channel.test(new Utf8("store")));

        assertTrue(FieldConstraints.isEmail(new Utf8("jane.doe@example.com")));
        assertFalse(FieldConstraints.isEmail(new Utf8("jane.doe@example")));
        assertFalse(FieldConstraints.isEmail(new Utf8("jane doe@example.com")));
        assertTrue(FieldConstraints.isEmail(new Utf8("jöhn@example.com")));
    }
}
