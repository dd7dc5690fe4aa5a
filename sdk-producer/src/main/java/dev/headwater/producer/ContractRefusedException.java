package dev.headwater.producer;

import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.Violation;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Thrown by {@link GovernedSerializer} (so by a plain {@code KafkaProducer.send}) when a value breaks a contract rule
 * whose failure is {@code ERROR}: nothing was sent. A {@link SerializationException}, as Kafka's serializers throw; the
 * cause is the {@link ContractViolationException} listing every violation (rule, field and value, sensitive values
 * redacted).
 */
public final class ContractRefusedException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** @param violation what the contract refused */
    public ContractRefusedException(ContractViolationException violation) {
        super(violation.getMessage(), violation);
    }

    /** @return every violation of the refused value */
    public List<Violation> violations() {
        return ((ContractViolationException) getCause()).violations();
    }
}
