package dev.headwater.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The lineage graph of a small flow: orders-service writes orders; payments reads them and writes payments. */
class LineageGraphTest {

    private static final String KAFKA = "kafka://broker-1:9092";
    private static final List<String> EVENTS = List.of(
            event("START", "retail", "orders-service", List.of(), List.of("retail.orders.placed.v1")),
            event("START", "retail", "payments", List.of("retail.orders.placed.v1"), List.of()),
            event("START", "retail", "payments-service", List.of(), List.of("retail.payments.requested.v1")),
            "",
            event("COMPLETE", "retail", "orders-service", List.of(), List.of("retail.orders.placed.v1")),
            event("START", "finance", "ledger", List.of("retail.payments.requested.v1",
                    "retail.orders.placed.v1"), List.of()));

    @Test
    void tellsWhoProducesAndConsumesEachTopic() {
        LineageGraph graph = LineageGraph.fromOpenLineage(EVENTS);

        assertThat(graph.topics()).extracting(LineageGraph.Topic::name)
                .containsExactly("retail.orders.placed.v1", "retail.payments.requested.v1");
        LineageGraph.Topic orders = graph.topics().get(0);
        assertThat(graph.producersOf(orders)).containsExactly(new LineageGraph.Job("retail", "orders-service"));
        assertThat(graph.consumersOf(orders)).containsExactlyInAnyOrder(new LineageGraph.Job("retail", "payments"),
                new LineageGraph.Job("finance", "ledger"));
        assertThat(graph.toText()).contains("retail.orders.placed.v1  (kafka://broker-1:9092)\n"
                + "  produced by: orders-service\n  consumed by: payments, ledger\n");
        assertThat(graph.toDot()).contains("\"job:retail/orders-service\" -> \"topic:kafka://broker-1:9092/"
                + "retail.orders.placed.v1\";").contains("shape=cylinder");
        assertThat(graph.toMermaid()).startsWith("flowchart LR").contains("-->");
    }

    @Test
    void theHtmlPageIsSelfContainedAndDrawsEveryNodeAndEdge() throws Exception {
        String html = LineageGraph.fromOpenLineage(EVENTS).toHtml("Lineage of retail");

        assertThat(html).doesNotContain("<script").doesNotContain("http://cdn").doesNotContain("https://");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document page = factory.newDocumentBuilder().parse(new ByteArrayInputStream(
                html.getBytes(StandardCharsets.UTF_8)));
        NodeList groups = page.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
        int applications = 0;
        int topics = 0;
        int consumers = 0;
        for (int i = 0; i < groups.getLength(); i++) {
            switch (((Element) groups.item(i)).getAttribute("class")) {
                case "application" -> applications++;
                case "topic" -> topics++;
                case "consumer" -> consumers++;
                default -> { }
            }
        }
        assertThat(applications).isEqualTo(2);
        assertThat(topics).isEqualTo(2);
        assertThat(consumers).isEqualTo(2);
        assertThat(page.getElementsByTagNameNS("http://www.w3.org/2000/svg", "line").getLength())
                .as("2 produce edges + 3 consume edges").isEqualTo(5);
        assertThat(page.getElementsByTagNameNS("http://www.w3.org/1999/xhtml", "tr").getLength())
                .as("header + a row per topic").isEqualTo(3);
    }

    @Test
    void aBrowserRendersThePageWhenOneIsInstalled(@TempDir Path work) throws Exception {
        Optional<HeadlessBrowser> browser = HeadlessBrowser.find();
        Assumptions.assumeTrue(browser.isPresent(), "no headless browser on this machine; the page is checked by "
                + "parsing it (theHtmlPageIsSelfContainedAndDrawsEveryNodeAndEdge)");
        Path page = work.resolve("lineage.html");
        Files.writeString(page, LineageGraph.fromOpenLineage(EVENTS).toHtml("Lineage"));
        String dom = browser.get().dom(page);
        assertThat(dom).contains("retail.orders.placed.v1").contains("<svg");
    }

    @Test
    void aLineThatIsNotJsonIsNamed() {
        assertThatThrownBy(() -> LineageGraph.fromOpenLineage(List.of(EVENTS.get(0), "not json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
    }


    private static String event(String type, String namespace, String job, List<String> inputs, List<String> outputs) {
        return "{\"eventType\":\"" + type + "\",\"eventTime\":\"2026-11-29T10:00:00Z\",\"run\":{\"runId\":"
                + "\"01a2270f-813a-7474-9a77-c984507c70f6\"},\"job\":{\"namespace\":\"" + namespace + "\",\"name\":\""
                + job + "\"},\"inputs\":" + datasets(inputs) + ",\"outputs\":" + datasets(outputs) + ",\"producer\":"
                + "\"test\",\"schemaURL\":\"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent\"}";
    }

    private static String datasets(List<String> topics) {
        return topics.stream().map(t -> "{\"namespace\":\"" + KAFKA + "\",\"name\":\"" + t + "\"}")
                .collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }
}
