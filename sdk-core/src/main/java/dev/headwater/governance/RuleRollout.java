package dev.headwater.governance;

import dev.headwater.HeadwaterException;
import dev.headwater.contract.ContractDefinitionException;
import dev.headwater.contract.DataContract;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles the enforcement a contract leaves unset against the version live in the schema registry
 * ({@link DataContract#withRolloutFrom}): a rule new to a live contract starts observed. The producer registers the
 * settled contract, so every reader of the registry sees the same settlement.
 */
final class RuleRollout {

    private static final Logger log = LoggerFactory.getLogger(RuleRollout.class);

    private RuleRollout() {
    }

    /**
     * @param registry the schema registry, or null
     * @param contract the contract as given
     * @return the contract with every rule's enforcement settled
     * @throws HeadwaterException when the registry cannot say what is live (the producer could not register either)
     */
    static DataContract settle(SchemaRegistryClient registry, DataContract contract) {
        if (contract.rules().stream().allMatch(rule -> rule.enforcement().isSet())) {
            return contract;
        }
        if (registry == null) {
            return contract.withRolloutFrom(null);
        }
        try {
            dev.headwater.registry.RegisteredSchema live = registry.latest(contract.subject());
            if (!live.definition().metadata().path("properties").has("contract.version")) {
                // a schema registered without a contract (a plain serializer's): no rule was live before
                return contract.withRolloutFrom(null);
            }
            return contract.withRolloutFrom(DataContract.fromRegistry(live));
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return contract.withRolloutFrom(null); // the first version: its rules are enforced
            }
            throw new HeadwaterException("Could not read the live version of contract " + contract.subject()
                    + " from the schema registry, to know which of its rules are new (new rules start observed): "
                    + e.getMessage(), e);
        } catch (ContractDefinitionException e) {
            log.warn("The live version of contract {} in the schema registry is not a Headwater contract ({}); its "
                    + "rules whose enforcement is unset are enforced", contract.subject(), e.getMessage());
            return contract.withRolloutFrom(null);
        }
    }
}
