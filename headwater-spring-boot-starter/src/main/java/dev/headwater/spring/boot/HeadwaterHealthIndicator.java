package dev.headwater.spring.boot;

import dev.headwater.contract.DataContract;
import dev.headwater.registry.RegisteredSchema;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health of Headwater: UP when the schema registry answers and the contract (if any) is registered, with its
 * subject, version and schema id; DOWN naming what is wrong otherwise (the registry unreachable, the contract not
 * registered). Registry URLs are shown without credentials.
 */
public final class HeadwaterHealthIndicator implements HealthIndicator {

    private final SchemaRegistryClient registry;
    private final DataContract contract;

    /**
     * @param registry the registry client
     * @param contract the contract, or null
     */
    public HeadwaterHealthIndicator(SchemaRegistryClient registry, DataContract contract) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.contract = contract;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up().withDetail("registry", registry.urls().toString());
        try {
            if (contract == null) {
                registry.compatibility();
                return health.build();
            }
            RegisteredSchema latest = registry.latest(contract.subject());
            return health.withDetail("contract", contract.subject() + "@" + contract.version())
                    .withDetail("registeredVersion", latest.version()).withDetail("schemaId", latest.id()).build();
        } catch (SchemaRegistryException e) {
            if (e.isNotFound() && contract != null) {
                return Health.down().withDetail("registry", registry.urls().toString())
                        .withDetail("contract", contract.subject() + " is not registered: a governed producer "
                                + "registers it when it starts, or register it in the pipeline").build();
            }
            return Health.down().withDetail("registry", registry.urls().toString())
                    .withDetail("error", e.getMessage()).build();
        }
    }
}
