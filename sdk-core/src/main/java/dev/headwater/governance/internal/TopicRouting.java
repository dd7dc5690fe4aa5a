package dev.headwater.governance.internal;

import dev.headwater.contract.DataContract;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which of a client's pipelines governs a topic: the one whose contract lists it, or the only one a client has (one
 * contract governs every topic such a client uses). Two contracts may not list one topic. Shared by both directions,
 * so that the rule is the same on every route. Immutable. Internal: not for users.
 *
 * @param <P> the pipeline type
 */
public final class TopicRouting<P> {

    private final List<P> pipelines;
    private final Map<String, P> byTopic;
    private final Function<P, DataContract> contractOf;

    /**
     * @param pipelines one per contract (or a single one without a contract)
     * @param contractOf a pipeline's contract, or null
     * @throws IllegalArgumentException when two contracts list one topic, naming both
     */
    public TopicRouting(List<P> pipelines, Function<P, DataContract> contractOf) {
        this.pipelines = List.copyOf(pipelines);
        this.contractOf = contractOf;
        Map<String, P> topics = new HashMap<>();
        for (P pipeline : pipelines) {
            DataContract contract = contractOf.apply(pipeline);
            if (contract == null) {
                continue;
            }
            for (String topic : contract.topics()) {
                P other = topics.putIfAbsent(topic, pipeline);
                if (other != null && other != pipeline) {
                    throw new IllegalArgumentException("topic '" + topic + "' is listed by two contracts, "
                            + contractOf.apply(other).subject() + " and " + contract.subject() + ": a topic's values "
                            + "are governed by one contract");
                }
            }
        }
        this.byTopic = Map.copyOf(topics);
    }

    /**
     * @param topic a topic
     * @return the pipeline governing it, or null when none does (several contracts, none listing it)
     */
    public P forTopic(String topic) {
        P pipeline = byTopic.get(topic);
        return pipeline != null || pipelines.size() != 1 ? pipeline : pipelines.get(0);
    }

    /** @return every pipeline */
    public List<P> all() {
        return pipelines;
    }

    /** @return what each contract lists, for messages: {@code orders-value lists [orders]; ...} */
    public String describe() {
        StringBuilder listed = new StringBuilder();
        for (P pipeline : pipelines) {
            DataContract contract = contractOf.apply(pipeline);
            if (contract != null) {
                listed.append(listed.length() == 0 ? "" : "; ").append(contract.subject()).append(" lists ")
                        .append(contract.topics());
            }
        }
        return listed.toString();
    }
}
