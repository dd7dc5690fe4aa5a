package dev.headwater.samples.contracttests;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwater.testkit.contract.ContractVerification;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orders team's contract tests: run in every build, before anything is deployed. No broker needed. */
class OrdersContractTest {

    private static final Path CONTRACTS = Path.of("contracts");

    @Test
    void theOrdersContractKeepsItsPromises() {
        ContractVerification.of(CONTRACTS.resolve("orders.yaml"))
                .examples(CONTRACTS.resolve("orders.examples.yaml"))
                .expectations(CONTRACTS.resolve("expectations"))
                .verify();
    }

    @Test
    void loweringTheMinimumAmountWouldBreakThePaymentsTeam(@TempDir Path work) throws Exception {
        Path changed = work.resolve("orders.yaml");
        Files.writeString(changed, Files.readString(CONTRACTS.resolve("orders.yaml"))
                .replace("min: 0.01", "min: 0"));

        AssertionError failure = assertThrows(AssertionError.class, () -> ContractVerification.of(changed)
                .expectations(CONTRACTS.resolve("expectations"))
                .compatibleWith(CONTRACTS.resolve("orders.yaml"))
                .verify());
        assertTrue(failure.getMessage().contains("consumer team-payments"), failure.getMessage());
        assertTrue(failure.getMessage().contains("relies on 'amount' >= 0.01"), failure.getMessage());
    }
}
