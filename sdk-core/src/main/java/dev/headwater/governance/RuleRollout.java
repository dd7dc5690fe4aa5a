package dev.headwater.governance;

import dev.headwater.HeadwaterException;
import dev.headwater.contract.DataContract;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;

/**
 * Settles the enforcement a contract leaves unset against the version live in the schema registry
 * ({@link DataContract#withRolloutFrom}): a rule new to a live contract starts observed. The producer registers the
 * settled contract, so every reader of the registry sees the same settlement.
 */
final class RuleRollout {

    private RuleRollout() {
    }

    /**
     * @param registry the schema registry, or null
     * @param contract the contract as given
     * @return the contract with every rule's enforcement settled
     * @throws HeadwaterException when the registry cannot say what is live (the producer could not register either)
     */
    static DataContract settle(SchemaRegistryClient registry, DataContract contract) {
        try {
            return contract.withRolloutFromRegistry(registry);
        } catch (SchemaRegistryException e) {
            throw new HeadwaterException("Could not read the live version of contract " + contract.subject()
                    + " from the schema registry, to know which of its rules are new (new rules start observed): "
                    + e.getMessage(), e);
        }
    }
}
