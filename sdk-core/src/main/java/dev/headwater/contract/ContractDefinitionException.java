package dev.headwater.contract;

import dev.headwater.HeadwaterException;
import java.util.List;

/**
 * A contract file or definition is invalid. Lists every problem found, each with the file, line and key or field, so
 * that one run shows everything to fix.
 */
public final class ContractDefinitionException extends HeadwaterException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * Creates the exception.
     *
     * @param source the file or source name
     * @param problems each problem, already prefixed with its location
     */
    public ContractDefinitionException(String source, List<String> problems) {
        super("Invalid data contract " + source + " (" + problems.size() + " problem(s)):\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return every problem, each prefixed with {@code file:line:} */
    public List<String> problems() {
        return problems;
    }
}
