package dev.headwater.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwater.contract.DataContract;
import dev.headwater.tenant.TenantPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The data products as Backstage catalog entities, for a developer portal: a {@code Domain} per domain, a
 * {@code System} per tenant, a {@code Group} per owning team, an {@code API} of type {@code asyncapi} per contract
 * (its AsyncAPI document as the definition), a {@code Resource} per topic, and a {@code Component} per producing or
 * consuming application of the lineage graph, with {@code providesApis}, {@code consumesApis} and {@code dependsOn}
 * its topics. Entity names are Backstage names (letters, digits, {@code -_.}, at most 63 characters); references are
 * {@code kind:name} in the default namespace. A consuming application whose owner Headwater does not know is owned by
 * a group named after its lineage namespace.
 */
public final class BackstageExport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ObjectNode> entities;

    private BackstageExport(List<ObjectNode> entities) {
        this.entities = List.copyOf(entities);
    }

    /**
     * @param contracts the data products' contracts
     * @param tenants the tenants' policies: a contract belongs to the tenant owning its first topic
     * @param lineage the lineage graph (who produces and consumes each topic), or null for no components
     * @return the export
     */
    public static BackstageExport of(Collection<DataContract> contracts, Collection<TenantPolicy> tenants,
            LineageGraph lineage) {
        Map<String, ObjectNode> byRef = new LinkedHashMap<>();
        Map<String, String> apiOfTopic = new TreeMap<>();
        Map<String, String> ownerOfTopic = new TreeMap<>();
        Map<String, String> systemOfTopic = new TreeMap<>();
        Set<String> groups = new TreeSet<>();
        for (DataContract contract : contracts) {
            String team = contract.owner().team();
            groups.add(team);
            String tenant = tenantOf(contract, tenants);
            String api = name(contract.subject());
            ObjectNode entity = entity("API", api, contract.description().isEmpty() ? "The data product "
                    + contract.subject() : contract.description());
            ArrayNode tags = ((ObjectNode) entity.get("metadata")).putArray("tags");
            contract.tags().stream().map(BackstageExport::tag).distinct().forEach(tags::add);
            ((ObjectNode) entity.get("metadata")).putObject("annotations").put("headwater.dev/contract",
                    contract.subject() + "@" + contract.version());
            ObjectNode spec = entity.putObject("spec");
            spec.put("type", "asyncapi").put("lifecycle", "production").put("owner", "group:" + name(team));
            if (tenant != null) {
                spec.put("system", "system:" + name(tenant));
            }
            spec.put("definition", AsyncApiExport.builder(contract.subject(), contract.version())
                    .description(contract.description()).produces(contract).build().toYaml());
            byRef.put("api:" + api, entity);
            for (String topic : contract.topics()) {
                apiOfTopic.put(topic, api);
                ownerOfTopic.put(topic, team);
                if (tenant != null) {
                    systemOfTopic.put(topic, tenant);
                }
            }
            if (!contract.domain().isEmpty() && !byRef.containsKey("domain:" + name(contract.domain()))) {
                ObjectNode domain = entity("Domain", name(contract.domain()), "The " + contract.domain()
                        + " domain's data products");
                domain.putObject("spec").put("owner", "group:" + name(team));
                byRef.put("domain:" + name(contract.domain()), domain);
            }
        }
        for (TenantPolicy tenant : tenants) {
            String owner = contracts.stream().filter(c -> tenant.tenant().equals(tenantOf(c, tenants)))
                    .map(c -> c.owner().team()).sorted().findFirst().orElse(tenant.tenant());
            groups.add(owner);
            ObjectNode system = entity("System", name(tenant.tenant()), "The data products of tenant "
                    + tenant.tenant());
            ObjectNode spec = system.putObject("spec").put("owner", "group:" + name(owner));
            contracts.stream().filter(c -> tenant.tenant().equals(tenantOf(c, tenants)) && !c.domain().isEmpty())
                    .map(c -> name(c.domain())).findFirst().ifPresent(domain -> spec.put("domain", "domain:"
                    + domain));
            byRef.put("system:" + name(tenant.tenant()), system);
        }
        for (Map.Entry<String, String> topic : apiOfTopic.entrySet()) {
            ObjectNode resource = entity("Resource", name(topic.getKey()), "Kafka topic " + topic.getKey());
            ((ObjectNode) resource.get("metadata")).putObject("annotations").put("headwater.dev/topic", topic.getKey());
            ObjectNode spec = resource.putObject("spec").put("type", "kafka-topic")
                    .put("owner", "group:" + name(ownerOfTopic.get(topic.getKey())));
            if (systemOfTopic.containsKey(topic.getKey())) {
                spec.put("system", "system:" + name(systemOfTopic.get(topic.getKey())));
            }
            byRef.put("resource:" + name(topic.getKey()), resource);
        }
        if (lineage != null) {
            Map<String, Set<String>> provides = new TreeMap<>();
            Map<String, Set<String>> consumes = new TreeMap<>();
            Map<String, String> owners = new TreeMap<>();
            for (LineageGraph.Topic topic : lineage.topics()) {
                String api = apiOfTopic.get(topic.name());
                if (api == null) {
                    continue; // a topic no contract governs is no data product of this catalog
                }
                for (LineageGraph.Job job : lineage.producersOf(topic)) {
                    provides.computeIfAbsent(job.name(), k -> new LinkedHashSet<>()).add(topic.name());
                    owners.putIfAbsent(job.name(), ownerOfTopic.get(topic.name()));
                }
                for (LineageGraph.Job job : lineage.consumersOf(topic)) {
                    consumes.computeIfAbsent(job.name(), k -> new LinkedHashSet<>()).add(topic.name());
                    owners.putIfAbsent(job.name(), job.namespace().isEmpty() ? "unknown" : job.namespace());
                }
            }
            Set<String> applications = new TreeSet<>(provides.keySet());
            applications.addAll(consumes.keySet());
            for (String application : applications) {
                String owner = owners.get(application);
                groups.add(owner);
                ObjectNode component = entity("Component", name(application), "Application " + application
                        + " (from the lineage graph)");
                ObjectNode spec = component.putObject("spec").put("type", "service").put("lifecycle", "production")
                        .put("owner", "group:" + name(owner));
                Set<String> produced = provides.getOrDefault(application, Set.of());
                Set<String> read = consumes.getOrDefault(application, Set.of());
                if (!produced.isEmpty()) {
                    produced.stream().map(systemOfTopic::get).filter(java.util.Objects::nonNull).findFirst()
                            .ifPresent(system -> spec.put("system", "system:" + name(system)));
                    spec.set("providesApis", refs("api:", produced.stream().map(apiOfTopic::get).distinct()
                            .toList()));
                }
                if (!read.isEmpty()) {
                    spec.set("consumesApis", refs("api:", read.stream().map(apiOfTopic::get).distinct().toList()));
                }
                Set<String> topics = new TreeSet<>(produced);
                topics.addAll(read);
                spec.set("dependsOn", refs("resource:", List.copyOf(topics)));
                byRef.put("component:" + name(application), component);
            }
        }
        List<ObjectNode> entities = new ArrayList<>();
        for (String group : groups) {
            ObjectNode entity = entity("Group", name(group), "Team " + group);
            entity.putObject("spec").put("type", "team").putArray("children");
            entities.add(entity);
        }
        byRef.values().stream().filter(e -> e.path("kind").asText().equals("Domain")).forEach(entities::add);
        byRef.values().stream().filter(e -> e.path("kind").asText().equals("System")).forEach(entities::add);
        byRef.values().stream().filter(e -> e.path("kind").asText().equals("API")).forEach(entities::add);
        byRef.values().stream().filter(e -> e.path("kind").asText().equals("Resource")).forEach(entities::add);
        byRef.values().stream().filter(e -> e.path("kind").asText().equals("Component")).forEach(entities::add);
        return new BackstageExport(entities);
    }

    /** @return the entities: groups, domains, systems, APIs, resources, components */
    public List<ObjectNode> entities() {
        return entities;
    }

    /** @return the entities as one YAML stream, as a Backstage {@code Location} target reads it */
    public String toYaml() {
        StringBuilder yaml = new StringBuilder("# Generated by Headwater from the contracts, tenant policies and "
                + "lineage: the data products as Backstage catalog entities\n");
        for (ObjectNode entity : entities) {
            yaml.append("---\n").append(Documents.dump(JSON.convertValue(entity, Object.class)));
        }
        return yaml.toString();
    }

    private static String tenantOf(DataContract contract, Collection<TenantPolicy> tenants) {
        for (TenantPolicy tenant : tenants) {
            if (!contract.topics().isEmpty() && tenant.owns(contract.topics().get(0))) {
                return tenant.tenant();
            }
        }
        return null;
    }

    private static ObjectNode entity(String kind, String name, String description) {
        ObjectNode entity = JSON.createObjectNode();
        entity.put("apiVersion", "backstage.io/v1alpha1");
        entity.put("kind", kind);
        entity.putObject("metadata").put("name", name).put("description", description);
        return entity;
    }

    private static ArrayNode refs(String prefix, List<String> names) {
        ArrayNode refs = JSON.createArrayNode();
        names.forEach(name -> refs.add(prefix + name));
        return refs;
    }

    /** A Backstage entity name: {@code [a-zA-Z0-9]} at both ends, {@code -_.} between, at most 63 characters. */
    static String name(String text) {
        String cleaned = text.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "")
                .replaceAll("[^A-Za-z0-9]+$", "").replaceAll("[-_.]{2,}", "-");
        if (cleaned.isEmpty()) {
            cleaned = "unnamed";
        }
        if (cleaned.length() > 63) {
            String hash = Integer.toHexString(text.hashCode());
            cleaned = cleaned.substring(0, 62 - hash.length()).replaceAll("[^A-Za-z0-9]+$", "") + "-" + hash;
        }
        return cleaned;
    }

    /** A Backstage tag: lowercase letters, digits and {@code -+#:}, at most 63 characters. */
    private static String tag(String text) {
        String tag = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9+#:-]", "-");
        return tag.length() > 63 ? tag.substring(0, 63) : tag;
    }
}
