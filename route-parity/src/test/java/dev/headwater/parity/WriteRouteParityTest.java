package dev.headwater.parity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.HeadwaterException;
import dev.headwater.lineage.Lineage;
import dev.headwater.producer.ContractRefusedException;
import dev.headwater.producer.RecordDeadLetteredException;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The write side's parity table: every case below is sent through every producing route (the governed producer, its
 * {@code Producer} view, a plain {@code KafkaProducer} with {@code GovernedSerializer}, Spring's {@code KafkaTemplate}
 * governed by the starter), each route with a contract, tenant and OpenTelemetry SDK of its own, and each route's
 * observation must equal the governed producer's: the same exception (type and message) or the same record and dead
 * letter (value bytes and every header but those that differ per producer by nature), the same metrics, the same
 * spans. A value serializer never sees the key: that route's dead letters carry none, the one difference allowed.
 */
@HeadwaterTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteRouteParityTest {

    /** What a case expects of every route. */
    enum Expect { SENT, DEAD_LETTERED, REFUSED }

    /** Which routes a case runs on: the standard one, or one whose tenant has a produce quota. */
    enum Setting {
        STANDARD(null),
        QUOTA_REJECT("{recordsPerSecond: 1, mode: REJECT}"),
        QUOTA_BLOCK("{recordsPerSecond: 2, mode: BLOCK, maxWait: PT5S}");

        final String quota;

        Setting(String quota) {
            this.quota = quota;
        }
    }

    /**
     * One row of the table.
     *
     * @param name the case, its topic's dataset
     * @param setting the routes it runs on
     * @param expect what every route must do with the last record sent
     * @param records how many records are sent, the same each time (the last is the one the case is about)
     * @param value the value, for the contract's schema
     * @param headers the record's own headers
     * @param exception for refusals, the exception type every route gives
     */
    record Case(String name, Setting setting, Expect expect, int records, Function<Schema, Object> value,
            List<Header> headers, Class<? extends Throwable> exception) {

        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Case> CASES = List.of(
            new Case("valid", Setting.STANDARD, Expect.SENT, 1, schema -> payment(schema, 12.5, "EUR", "7"),
                    List.of(), null),
            new Case("error-violation", Setting.STANDARD, Expect.REFUSED, 1,
                    schema -> payment(schema, -5.0, "EUR", "7"), List.of(),
                    dev.headwater.contract.ContractViolationException.class),
            new Case("dlq-violation", Setting.STANDARD, Expect.DEAD_LETTERED, 1,
                    schema -> payment(schema, 12.5, "XXX", "7"), List.of(), null),
            new Case("rule-throws", Setting.STANDARD, Expect.DEAD_LETTERED, 1,
                    schema -> payment(schema, 12.5, "EUR", "not a number"), List.of(), null),
            new Case("other-schema", Setting.STANDARD, Expect.REFUSED, 1,
                    schema -> otherPayment("12.5"), List.of(),
                    dev.headwater.contract.ContractViolationException.class),
            new Case("over-size", Setting.STANDARD, Expect.REFUSED, 1, schema -> {
                GenericRecord payment = payment(schema, 12.5, "EUR", "7");
                payment.put("id", "x".repeat(1_100_000));
                return payment;
            }, List.of(), org.apache.kafka.common.errors.RecordTooLargeException.class),
            new Case("quota-reject", Setting.QUOTA_REJECT, Expect.REFUSED, 2,
                    schema -> payment(schema, 12.5, "EUR", "7"), List.of(),
                    dev.headwater.tenant.QuotaExceededException.class),
            new Case("quota-block", Setting.QUOTA_BLOCK, Expect.SENT, 2,
                    schema -> payment(schema, 12.5, "EUR", "7"), List.of(), null),
            new Case("guardrail", Setting.STANDARD, Expect.REFUSED, 1, schema -> payment(schema, 12.5, "EUR", "7"),
                    List.of(), dev.headwater.tenant.GuardrailViolationException.class),
            new Case("observed-violation", Setting.STANDARD, Expect.SENT, 1,
                    schema -> payment(schema, 12.5, "EUR", "1234567890123"), List.of(), null),
            new Case("null-value", Setting.STANDARD, Expect.SENT, 1, schema -> null, List.of(), null),
            new Case("garbage-headers", Setting.STANDARD, Expect.SENT, 1, schema -> payment(schema, 12.5, "EUR", "7"),
                    List.of(new RecordHeader("hw", new byte[] {1, 2, 3}),
                            new RecordHeader("traceparent", "garbage".getBytes(StandardCharsets.UTF_8)),
                            new RecordHeader("team", "payments".getBytes(StandardCharsets.UTF_8))), null));

    private static final Set<String> METRICS = Set.of("headwater.producer.records", "headwater.contract.violations",
            "headwater.contract.violations.observed",
            "headwater.producer.record.size", "headwater.producer.quota.wait", "headwater.tenant.quota.records",
            "headwater.tenant.quota.rejections");

    private final Map<Setting, Map<WriteRoute.Kind, Opened>> routes = new EnumMap<>(Setting.class);
    private String bootstrap;

    /** A route, built, with what it was built from. */
    record Opened(WriteRoute route, String tenant, Parity.Telemetry telemetry) {
    }

    @BeforeAll
    void openEveryRoute(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry, @TempDir Path dir) {
        this.bootstrap = kafka.bootstrapServers();
        List<String> names = CASES.stream().map(Case::name).toList();
        for (Setting setting : Setting.values()) {
            Map<WriteRoute.Kind, Opened> opened = new EnumMap<>(WriteRoute.Kind.class);
            for (WriteRoute.Kind kind : WriteRoute.Kind.values()) {
                String tenant = kind.tenant() + (setting == Setting.STANDARD ? "" : "q" + setting.ordinal());
                for (String name : names) {
                    kafka.createTopic(Parity.topic(tenant, name), 1, (short) 1);
                }
                kafka.createTopic(Parity.deadLetterTopic(tenant), 1, (short) 1);
                kafka.createTopic(Parity.guardrailTopic(tenant), 1, (short) 1);
                String contract = Parity.contractYaml(tenant, names);
                String policy = Parity.policyYaml(tenant, setting.quota, null);
                Parity.Telemetry telemetry = new Parity.Telemetry();
                WriteRoute route = kind.open(new WriteRoute.Setup(kafka.bootstrapServers(), registry.url(),
                        Parity.contract(tenant, names), Parity.write(dir, tenant + "-contract.yaml", contract),
                        Parity.policy(policy), Parity.write(dir, tenant + "-policy.yaml", policy),
                        telemetry.sdk));
                opened.put(kind, new Opened(route, tenant, telemetry));
            }
            routes.put(setting, opened);
        }
    }

    @AfterAll
    void closeEveryRoute() {
        routes.values().forEach(opened -> opened.values().forEach(o -> {
            o.route().close();
            o.telemetry().close();
        }));
    }

    static Stream<Case> cases() {
        return CASES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyWriteRouteGivesTheSameOutcome(Case row) {
        Map<WriteRoute.Kind, Observation> observed = new LinkedHashMap<>();
        for (Map.Entry<WriteRoute.Kind, Opened> entry : routes.get(row.setting()).entrySet()) {
            observed.put(entry.getKey(), observe(row, entry.getValue()));
        }
        Observation reference = observed.get(WriteRoute.Kind.GOVERNED_PRODUCER);
        assertThat(reference.outcome()).as("the governed producer's outcome of %s", row).isEqualTo(row.expect());
        if (row.exception() != null) {
            assertThat(reference.error()).as("the exception of %s", row).startsWith(row.exception().getName());
        }
        observed.forEach((kind, observation) -> {
            assertThat(observation.outcome()).as("%s on %s", row, kind).isEqualTo(reference.outcome());
            assertThat(observation.error()).as("exception of %s on %s", row, kind).isEqualTo(reference.error());
            assertThat(observation.written()).as("records written for %s on %s", row, kind)
                    .isEqualTo(reference.written());
            assertThat(observation.deadLetters()).as("dead letters of %s on %s", row, kind)
                    .isEqualTo(reference.deadLetters());
            assertThat(observation.metrics()).as("metrics of %s on %s", row, kind).isEqualTo(reference.metrics());
            assertThat(observation.spans()).as("spans of %s on %s", row, kind).isEqualTo(reference.spans());
            assertThat(observation.idsMatch()).as("span message ids of %s on %s are the records' event ids", row,
                    kind).isTrue();
        });
    }

    /** What one route did with one case, in terms every route must share. */
    record Observation(Expect outcome, String error, List<String> written, List<String> deadLetters,
            List<String> metrics, List<String> spans, boolean idsMatch) {
    }

    private Observation observe(Case row, Opened opened) {
        String tenant = opened.tenant();
        String topic = row.name().equals("guardrail") ? Parity.guardrailTopic(tenant) : Parity.topic(tenant, row.name());
        Schema schema = new Schema.Parser().parse(Parity.SCHEMA);
        opened.telemetry().spans.reset();
        Throwable error = null;
        for (int i = 0; i < row.records(); i++) {
            error = opened.route().send(topic, "key-" + i, row.value().apply(schema), row.headers());
        }
        if (Parity.find(error, RecordDeadLetteredException.class) != null) {
            error = null; // how a serializer's send says it was dead-lettered: the dead letter is below
        }
        List<ConsumerRecord<byte[], byte[]>> written = Parity.readAll(bootstrap, topic);
        List<ConsumerRecord<byte[], byte[]>> deadLetters = Parity.readAll(bootstrap, Parity.deadLetterTopic(tenant))
                .stream().filter(r -> topic.equals(Parity.header(r, "hw_dlq_source_topic"))).toList();
        Expect outcome = error != null ? Expect.REFUSED : deadLetters.isEmpty() ? Expect.SENT : Expect.DEAD_LETTERED;
        if (opened.route().seesKey()) {
            deadLetters.forEach(letter -> assertThat(Parity.text(letter.key())).startsWith("key-"));
        } else {
            deadLetters.forEach(letter -> assertThat(letter.key()).as("a value serializer's dead letter").isNull());
        }
        List<SpanData> spans = opened.telemetry().spans.getFinishedSpanItems();
        List<String> eventIds = new ArrayList<>();
        Stream.concat(written.stream(), deadLetters.stream())
                .forEach(r -> Lineage.eventIdOf(r.headers()).ifPresent(eventIds::add));
        boolean refused = error != null;
        boolean idsMatch = spans.stream().map(s -> s.getAttributes().get(AttributeKey.stringKey(
                "messaging.message.id"))).allMatch(id -> id != null && (eventIds.contains(id)
                || row.name().equals("garbage-headers") || refused));
        return new Observation(outcome, describe(error, tenant),
                written.stream().map(r -> Parity.describe(r, tenant, true)).toList(),
                deadLetters.stream().map(r -> Parity.describe(r, tenant, false)).toList(),
                Parity.metrics(opened.telemetry().metrics.collectAllMetrics(), tenant, METRICS).stream()
                        .filter(point -> point.contains(row.name()) || point.contains("headwater.tenant.quota"))
                        .toList(),
                Parity.spans(spans, tenant), idsMatch);
    }

    /** The exception that refused a record: Headwater's own or Kafka's, whatever wraps it on a route. */
    private static String describe(Throwable error, String tenant) {
        if (error == null) {
            return null;
        }
        Throwable shown = error;
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof HeadwaterException || cause instanceof KafkaException
                    && !(cause instanceof ContractRefusedException) && cause.getCause() == null) {
                shown = cause;
                break;
            }
        }
        return shown.getClass().getName() + ": " + Parity.normalize(shown.getMessage(), tenant);
    }

    static GenericRecord payment(Schema schema, double amount, String currency, String note) {
        GenericRecord payment = new GenericData.Record(schema);
        payment.put("id", "pay-1");
        payment.put("amount", amount);
        payment.put("currency", currency);
        payment.put("note", note);
        return payment;
    }

    static GenericRecord otherPayment(String amount) {
        GenericRecord payment = new GenericData.Record(new Schema.Parser().parse(Parity.OTHER_SCHEMA));
        payment.put("id", "pay-1");
        payment.put("amount", amount);
        payment.put("currency", "EUR");
        payment.put("note", "7");
        return payment;
    }
}
