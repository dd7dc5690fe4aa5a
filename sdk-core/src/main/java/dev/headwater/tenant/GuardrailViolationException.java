package dev.headwater.tenant;

import dev.headwater.HeadwaterException;

/**
 * A tenant tried to use a topic outside its guardrails: writing outside the namespaces it owns, reading outside those it
 * may read, or a topic whose settings break its policy. Nothing was sent or subscribed.
 */
public final class GuardrailViolationException extends HeadwaterException {

    private static final long serialVersionUID = 1L;

    private final String tenant;
    private final String topic;
    private final String rule;

    /**
     * @param tenant the tenant
     * @param topic the topic
     * @param rule the guardrail broken, such as {@code owns} or {@code reads}
     * @param message what happened and what to do
     */
    public GuardrailViolationException(String tenant, String topic, String rule, String message) {
        super(message);
        this.tenant = tenant;
        this.topic = topic;
        this.rule = rule;
    }

    /** @return the tenant */
    public String tenant() {
        return tenant;
    }

    /** @return the topic */
    public String topic() {
        return topic;
    }

    /** @return the guardrail broken */
    public String rule() {
        return rule;
    }
}
