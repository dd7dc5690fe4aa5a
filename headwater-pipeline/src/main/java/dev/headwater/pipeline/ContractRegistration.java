package dev.headwater.pipeline;

import dev.headwater.contract.DataContract;
import dev.headwater.registry.RegisteredSchema;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;
import java.util.Objects;

/**
 * Registers contracts in a schema registry, as a pipeline does after the checks pass: the schema with the contract's
 * metadata (owner, version, field documentation and classification) and rules, under the contract's subject. Planning
 * first tells what registering would change, for a dry run.
 */
public final class ContractRegistration {

    private ContractRegistration() {
    }

    /** What registering a contract does. */
    public enum Action {
        /** The subject is new: its first version is registered. */
        NEW_SUBJECT,
        /** The subject exists without this schema and metadata: a new version is registered. */
        NEW_VERSION,
        /** The registry holds it already: nothing changes. */
        UNCHANGED
    }

    /**
     * What registering one contract does or did.
     *
     * @param subject the subject
     * @param contractVersion the contract's version
     * @param action what registering does
     * @param schemaId the schema id, when registered (or already registered); -1 otherwise
     * @param version the subject version holding it, when registered; -1 otherwise
     */
    public record Outcome(String subject, String contractVersion, Action action, int schemaId, int version) {
        @Override
        public String toString() {
            return subject + " (contract v" + contractVersion + "): " + switch (action) {
                case NEW_SUBJECT -> "new subject";
                case NEW_VERSION -> "new version";
                case UNCHANGED -> "unchanged";
            } + (schemaId >= 0 ? ", schema id " + schemaId + ", version " + version : "");
        }
    }

    /**
     * Tells what registering would do, changing nothing.
     *
     * @param registry the registry
     * @param contract the contract
     * @return the plan
     * @throws SchemaRegistryException when the registry cannot be asked
     */
    public static Outcome plan(SchemaRegistryClient registry, DataContract contract) {
        Objects.requireNonNull(contract, "contract");
        try {
            contract = contract.withRolloutFromRegistry(registry); // a rule new to the live contract starts observed
            RegisteredSchema found = registry.lookup(contract.subject(), contract.toSchemaDefinition(), false);
            return new Outcome(contract.subject(), contract.version(), Action.UNCHANGED, found.id(), found.version());
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND) {
                return new Outcome(contract.subject(), contract.version(), Action.NEW_SUBJECT, -1, -1);
            }
            if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
                return new Outcome(contract.subject(), contract.version(), Action.NEW_VERSION, -1, -1);
            }
            throw e;
        }
    }

    /**
     * Registers a contract (idempotent: an unchanged contract keeps its id and version).
     *
     * @param registry the registry
     * @param contract the contract
     * @return what was done
     * @throws SchemaRegistryException when the registry refuses it (such as an incompatible change, HTTP 409) or
     *     cannot be reached
     */
    public static Outcome register(SchemaRegistryClient registry, DataContract contract) {
        Outcome plan = plan(registry, contract);
        if (plan.action() == Action.UNCHANGED) {
            return plan;
        }
        contract = contract.withRolloutFromRegistry(registry);
        registry.register(contract.subject(), contract.toSchemaDefinition(), false);
        RegisteredSchema registered = registry.lookup(contract.subject(), contract.toSchemaDefinition(), false);
        return new Outcome(contract.subject(), contract.version(), plan.action(), registered.id(),
                registered.version());
    }
}
