package dev.headwater.openlineage;

import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.FieldInfo;
import dev.headwater.lineage.DatasetUse;
import dev.headwater.lineage.RuleOutcome;
import io.openlineage.client.OpenLineage;
import java.net.URI;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;

/**
 * Builds the OpenLineage run events of governed clients: jobs, runs and Kafka datasets with the contract's facets.
 * Stateless apart from the namespace.
 */
final class RunEvents {

    /** Who produced the events, as OpenLineage asks every producer to say. */
    static final URI PRODUCER = URI.create("https://github.com/headwater-dev/headwater/tree/main/headwater-openlineage");
    private static final String HEADWATER_VERSION = version(RunEvents.class);
    private static final String OPENLINEAGE_VERSION = version(OpenLineage.class);

    private final OpenLineage openLineage = new OpenLineage(PRODUCER);
    private final String namespace;

    RunEvents(String namespace) {
        this.namespace = namespace;
    }

    /** @return what identifies one client's job: role, namespace and name */
    static String jobKey(DatasetUse use) {
        return use.role() + "|" + use.tenant() + "|" + jobName(use);
    }

    /** @return a producer's job is its application; a consumer's its consumer group */
    static String jobName(DatasetUse use) {
        return use.role() == DatasetUse.Role.CONSUMER && !use.group().isEmpty() ? use.group() : use.application();
    }

    /** @return {@code kafka://{first bootstrap server}}, as OpenLineage's naming conventions name a Kafka cluster */
    static String datasetNamespace(String bootstrapServers) {
        String first = bootstrapServers.split(",")[0].trim();
        int scheme = first.indexOf("://");
        return "kafka://" + (scheme >= 0 ? first.substring(scheme + 3) : first);
    }

    /**
     * @param outcomes per topic, what a consumer measured of the contract's rules: its input datasets assert each
     *     rule checked, held only when no record broke it; none for a topic without outcomes (nothing checked yet)
     */
    OpenLineage.RunEvent event(OpenLineage.RunEvent.EventType type, UUID runId, List<DatasetUse> uses,
            Map<String, List<RuleOutcome>> outcomes, ZonedDateTime time) {
        DatasetUse first = uses.get(0);
        boolean producer = first.role() == DatasetUse.Role.PRODUCER;
        OpenLineage.RunFacets runFacets = openLineage.newRunFacetsBuilder()
                .processing_engine(openLineage.newProcessingEngineRunFacet(HEADWATER_VERSION, "Headwater",
                        OPENLINEAGE_VERSION))
                .build();
        OpenLineage.JobFacetsBuilder jobFacets = openLineage.newJobFacetsBuilder()
                .jobType(openLineage.newJobTypeJobFacet("STREAMING", "HEADWATER", producer ? "PRODUCER" : "CONSUMER"))
                .documentation(openLineage.newDocumentationJobFacet(describe(first), null));
        if (producer && first.contract() != null) {
            jobFacets.ownership(openLineage.newOwnershipJobFacet(List.of(openLineage.newOwnershipJobFacetOwners(
                    "team:" + first.contract().owner().team(), "TEAM"))));
        }
        OpenLineage.Job job = openLineage.newJobBuilder()
                .namespace(namespace.isEmpty() ? (first.tenant().isEmpty() ? "headwater" : first.tenant()) : namespace)
                .name(jobName(first))
                .facets(jobFacets.build())
                .build();
        List<OpenLineage.InputDataset> inputs = new ArrayList<>();
        List<OpenLineage.OutputDataset> outputs = new ArrayList<>();
        for (DatasetUse use : uses) {
            OpenLineage.DatasetFacets facets = datasetFacets(use.contract());
            if (producer) {
                // OpenLineage defines data-quality assertions for inputs only: a producer's rules are in the
                // dataset's documentation, and the consumers' input datasets carry them as assertions
                outputs.add(openLineage.newOutputDatasetBuilder().namespace(datasetNamespace(use.bootstrapServers()))
                        .name(use.topic()).facets(facets).build());
            } else {
                OpenLineage.InputDatasetInputFacetsBuilder inputFacets = openLineage
                        .newInputDatasetInputFacetsBuilder();
                List<RuleOutcome> measured = outcomes.getOrDefault(use.topic(), List.of());
                if (!measured.isEmpty()) {
                    inputFacets.dataQualityAssertions(assertions(measured));
                }
                inputs.add(openLineage.newInputDatasetBuilder().namespace(datasetNamespace(use.bootstrapServers()))
                        .name(use.topic()).facets(facets).inputFacets(inputFacets.build()).build());
            }
        }
        return openLineage.newRunEventBuilder()
                .eventType(type)
                .eventTime(time)
                .run(openLineage.newRun(runId, runFacets))
                .job(job)
                .inputs(inputs)
                .outputs(outputs)
                .build();
    }

    private static String describe(DatasetUse use) {
        String application = use.application() + (use.applicationVersion().isEmpty() ? ""
                : " " + use.applicationVersion());
        String tenant = use.tenant().isEmpty() ? "" : ", tenant " + use.tenant();
        return use.role() == DatasetUse.Role.PRODUCER ? "Governed producer of " + application + tenant
                : "Governed consumer in group " + use.group() + (use.application().isEmpty() ? ""
                        : " of " + application) + tenant;
    }

    private OpenLineage.DatasetFacets datasetFacets(DataContract contract) {
        OpenLineage.DatasetFacetsBuilder facets = openLineage.newDatasetFacetsBuilder();
        if (contract == null) {
            return facets.build();
        }
        List<OpenLineage.SchemaDatasetFacetFields> fields = new ArrayList<>();
        List<OpenLineage.TagsDatasetFacetFields> tags = new ArrayList<>();
        for (Schema.Field field : contract.schema().getFields()) {
            FieldInfo info = contract.fields().get(field.name());
            String doc = info != null && !info.doc().isEmpty() ? info.doc() : field.doc();
            fields.add(openLineage.newSchemaDatasetFacetFieldsBuilder().name(field.name())
                    .type(typeName(field.schema())).description(doc).build());
            if (info != null && info.classification() != null && !info.classification().isEmpty()) {
                tags.add(openLineage.newTagsDatasetFacetFields("classification", info.classification(), "HEADWATER",
                        field.name()));
            }
        }
        if (!contract.domain().isEmpty()) {
            tags.add(openLineage.newTagsDatasetFacetFields("domain", contract.domain(), "HEADWATER", null));
        }
        for (String tag : contract.tags()) {
            tags.add(openLineage.newTagsDatasetFacetFields(tag, "true", "HEADWATER", null));
        }
        facets.schema(openLineage.newSchemaDatasetFacet(fields))
                .version(openLineage.newDatasetVersionDatasetFacet(contract.version()))
                .ownership(openLineage.newOwnershipDatasetFacet(List.of(openLineage.newOwnershipDatasetFacetOwners(
                        "team:" + contract.owner().team(), "TEAM"))))
                .tags(openLineage.newTagsDatasetFacet(tags));
        StringBuilder description = new StringBuilder(contract.description());
        description.append(description.length() == 0 ? "" : " ").append("Data contract ").append(contract.subject())
                .append(" v").append(contract.version());
        if (!contract.owner().contact().isEmpty()) {
            description.append(", contact ").append(contract.owner().contact());
        }
        description.append(". Rules:");
        for (ContractRule rule : contract.rules()) {
            description.append(' ').append(rule.name()).append(rule.field().isEmpty() ? "" : " (" + rule.field() + ")")
                    .append(rule.doc().isEmpty() ? "" : ": " + rule.doc()).append(';');
        }
        facets.documentation(openLineage.newDocumentationDatasetFacet(description.toString(), null));
        return facets.build();
    }

    private OpenLineage.DataQualityAssertionsDatasetFacet assertions(List<RuleOutcome> measured) {
        List<OpenLineage.DataQualityAssertionsDatasetFacetAssertions> assertions = new ArrayList<>();
        for (RuleOutcome outcome : measured) {
            // what was measured over the run: the rule held only if none of the records it checked broke it
            assertions.add(openLineage.newDataQualityAssertionsDatasetFacetAssertions(outcome.rule(), outcome.held(),
                    outcome.field().isEmpty() ? null : outcome.field()));
        }
        return openLineage.newDataQualityAssertionsDatasetFacet(assertions);
    }

    private static String typeName(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return typeName(branch);
                }
            }
        }
        return schema.getLogicalType() != null ? schema.getLogicalType().getName() : schema.getType().getName();
    }

    private static String version(Class<?> type) {
        String version = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
