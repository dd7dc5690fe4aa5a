package dev.headwater.openlineage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.DatasetEventsProvider;
import io.openlineage.client.Clients;
import io.openlineage.client.DefaultConfigPathProvider;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.OpenLineageConfig;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Creates {@link OpenLineageDatasetEvents} from configuration, found by {@link DatasetEvents#configure}. Settings are
 * OpenLineage's own configuration keys under {@code headwater.lineage.openlineage.}, written flat:
 * {@code transport.type=http}, {@code transport.url=http://marquez:5000}, {@code transport.auth.type=api_key},
 * {@code transport.auth.apiKey=...}; {@code transport.type=kafka} with {@code transport.topicName} and
 * {@code transport.properties.bootstrap.servers}; {@code transport.type=file} with {@code transport.location};
 * {@code transport.type=console}. Besides them, {@code namespace} sets the jobs' namespace (the tenant by default).
 * Without settings, OpenLineage's own configuration applies when there is one ({@code OPENLINEAGE_URL},
 * {@code OPENLINEAGE__TRANSPORT__*}, {@code OPENLINEAGE_CONFIG}, {@code openlineage.yml}); {@code OPENLINEAGE_DISABLED=true}
 * turns it off.
 */
public final class OpenLineageEventsProvider implements DatasetEventsProvider {

    /** The Headwater setting naming the jobs' namespace; the others are OpenLineage's. */
    public static final String NAMESPACE = "namespace";

    /** Created by the service loader. */
    public OpenLineageEventsProvider() {
    }

    @Override
    public DatasetEvents create(Map<String, Object> settings) {
        if (Boolean.parseBoolean(System.getenv("OPENLINEAGE_DISABLED"))) {
            return DatasetEvents.NONE;
        }
        Map<String, Object> given = new LinkedHashMap<>(settings);
        Object namespace = given.remove(NAMESPACE);
        OpenLineageClient client;
        if (!given.isEmpty()) {
            client = Clients.newClient(config(given));
        } else if (openLineageConfigured()) {
            client = Clients.newClient();
        } else {
            return null;
        }
        return new OpenLineageDatasetEvents(client, namespace == null ? "" : namespace.toString());
    }

    private static boolean openLineageConfigured() {
        if (System.getenv("OPENLINEAGE_URL") != null || System.getenv().keySet().stream()
                .anyMatch(name -> name.startsWith("OPENLINEAGE__TRANSPORT"))) {
            return true;
        }
        return new DefaultConfigPathProvider().getPaths().stream().anyMatch(Files::isRegularFile);
    }

    /**
     * Turns flat keys into OpenLineage's configuration: {@code transport.url} becomes {@code {transport: {url: ...}}};
     * under {@code transport.properties} (the Kafka transport's client properties) the rest of the key stays one key.
     */
    @SuppressWarnings("unchecked")
    static OpenLineageConfig config(Map<String, Object> settings) {
        Map<String, Object> root = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            String[] parts = key.split("\\.");
            Map<String, Object> node = root;
            for (int i = 0; i < parts.length - 1; i++) {
                if (i > 0 && parts[i].equals("properties") && parts[i - 1].equals("transport")) {
                    Map<String, Object> properties = (Map<String, Object>) node.computeIfAbsent("properties",
                            k -> new LinkedHashMap<String, Object>());
                    properties.put(String.join(".", java.util.Arrays.copyOfRange(parts, i + 1, parts.length)),
                            String.valueOf(value));
                    return;
                }
                Object child = node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
                if (!(child instanceof Map<?, ?>)) {
                    throw new ConfigException(DatasetEvents.PREFIX + key, value, "conflicts with "
                            + DatasetEvents.PREFIX + String.join(".", java.util.Arrays.copyOf(parts, i + 1)));
                }
                node = (Map<String, Object>) child;
            }
            node.put(parts[parts.length - 1], value);
        });
        if (!(root.get("transport") instanceof Map<?, ?> transport) || transport.get("type") == null) {
            throw new ConfigException(DatasetEvents.PREFIX + "transport.type", null, "is required: console, http, "
                    + "kafka, file (or another OpenLineage transport)");
        }
        try {
            byte[] json = new ObjectMapper().writeValueAsBytes(root);
            return OpenLineageClientUtils.loadOpenLineageConfigJson(new ByteArrayInputStream(json),
                    new TypeReference<OpenLineageConfig>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            throw new ConfigException(DatasetEvents.PREFIX + "transport", transport.get("type"), "is not a valid "
                    + "OpenLineage configuration: " + e.getMessage());
        }
    }
}
