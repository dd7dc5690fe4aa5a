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
            "very.long.name+tag@sub.example.co.uk", "日本@例え.jp", "SKU-ABC-123", "SKU-abc-123", "SKU-ÄBC-123",
            "SKU-ABC-1234", "e", "f", "g", "h", "i");

    @Test
    void anAvroUtf8ValueGetsTheVerdictItsStringGets() {
        List<ContractRule> rules = List.of(
                ContractRule.field("len", "f").minLength(3).maxLength(4).build(),
                ContractRule.field("currency", "f").format("iso4217").build(),
                ContractRule.field("email", "f").format("email").build(),
                ContractRule.field("channel", "f").allowed(List.of("web", "mobile", "störe")).build(),
                ContractRule.field("letter", "f").allowed(List.of("a", "b", "c", "d", "e", "f", "g", "h", "web", "ö"))
                        .build(),
                ContractRule.field("sku", "f").regex("^SKU-[A-Z]{3}-[0-9]{3}$").build(),
                ContractRule.field("anyCase", "f").regex("(?i)sku-(\\p{L}+)-.*").build(),
                ContractRule.field("letters", "f").regex("\\p{L}+").build(),
                ContractRule.field("umlaut", "f").regex(".*[öä].*").build(),
                ContractRule.field("empty", "f").regex("^$").build());
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
    void theCurrencyCheckAcceptsExactlyTheJdksIso4217Codes() {
        FieldConstraints.Check currency = FieldConstraints.compile(
                ContractRule.field("currency", "f").format("iso4217").build(), STRING, Clock.systemUTC())[0];
        for (char a = 'A' - 1; a <= 'Z' + 1; a++) {
            for (char b = 'A' - 1; b <= 'Z' + 1; b++) {
                for (char c = 'A' - 1; c <= 'Z' + 1; c++) {
                    String code = "" + a + b + c;
                    boolean known = FieldConstraints.CURRENCIES.contains(code);
                    assertEquals(known, currency.test(code) == null, code);
                    assertEquals(known, currency.test(new Utf8(code)) == null, code);
                }
            }
        }
        assertEquals(currency.test("EURO"), currency.test("eur"));
        assertEquals(currency.test("EURO"), currency.test(new Utf8("ÉUR")));
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
