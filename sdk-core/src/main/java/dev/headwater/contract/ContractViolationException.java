package dev.headwater.contract;

import dev.headwater.HeadwaterException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A record broke its data contract. Carries every violation, not just the first; sensitive values are redacted.
 */
public final class ContractViolationException extends HeadwaterException {

    private static final long serialVersionUID = 1L;

    private final transient List<Violation> violations;
    private final String subject;
    private final String contractVersion;

    /**
     * Creates the exception.
     *
     * @param topic the topic the record was meant for
     * @param subject the contract's subject
     * @param contractVersion the contract's version
     * @param violations every violation
     */
    public ContractViolationException(String topic, String subject, String contractVersion,
            List<Violation> violations) {
        super("Record for topic '" + topic + "' breaks contract " + subject + " version " + contractVersion + " ("
                + violations.size() + " violation(s)); nothing was sent:\n  "
                + violations.stream().map(Violation::toString).collect(Collectors.joining("\n  ")));
        this.violations = List.copyOf(violations);
        this.subject = subject;
        this.contractVersion = contractVersion;
    }

    /** @return every violation */
    public List<Violation> violations() {
        return violations;
    }

    /** @return the contract's subject */
    public String subject() {
        return subject;
    }

    /** @return the contract's version */
    public String contractVersion() {
        return contractVersion;
    }
}
