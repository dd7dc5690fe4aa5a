package dev.headwater.spring.boot;

import dev.headwater.contract.DataContract;
import dev.headwater.registry.RegisteredSchema;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health of Headwater: UP when the schema registry answers, with each contract's version and, once it is
 * registered, its registered version and schema id under {@code contracts}; DOWN, naming why, when the registry does
 * not answer. A contract not registered yet keeps the application UP, and says so: a governed producer registers its
 * contract with its first send (or the delivery pipeline registers it), and a service that only reads must not be
 * taken out of its load balancer meanwhile. Registry URLs are shown without credentials.
 */
public final class HeadwaterHealthIndicator implements HealthIndicator {

    private final SchemaRegistryClient registry;
    private final List<DataContract> contracts;

    /**
     * @param registry the registry client
     * @param contracts the contracts, maybe none
     */
    public HeadwaterHealthIndicator(SchemaRegistryClient registry, List<DataContract> contracts) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.contracts = List.copyOf(contracts);
    }

    @Override
    public Health health() {
        String urls = registry.urls().toString();
        try {
            if (contracts.isEmpty()) {
                registry.compatibility();
                return Health.up().withDetail("registry", urls).build();
            }
            Map<String, Object> details = new LinkedHashMap<>();
            for (DataContract contract : contracts) {
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("contractVersion", contract.version());
                try {
                    RegisteredSchema latest = registry.latest(contract.subject());
                    detail.put("registeredVersion", latest.version());
                    detail.put("schemaId", latest.id());
                } catch (SchemaRegistryException e) {
                    if (!e.isNotFound()) {
                        throw e;
                    }
                    detail.put("registered", false);
                    detail.put("note", "not registered yet: a governed producer registers it with its first "
                            + "send, or the delivery pipeline does (headwater contracts register)");
                }
                details.put(contract.subject(), detail);
            }
            return Health.up().withDetail("registry", urls)
                    .withDetail("contracts", details).build();
        } catch (SchemaRegistryException e) {
            return Health.down().withDetail("registry", urls).withDetail("error", e.getMessage()).build();
        }
    }
}
