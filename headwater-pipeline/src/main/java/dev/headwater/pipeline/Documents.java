package dev.headwater.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Writes the documents of this module: JSON indented; YAML in block style, with text of several lines as a literal
 * block.
 */
final class Documents {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Documents() {
    }

    /**
     * @param document a JSON tree
     * @return it as indented JSON text
     */
    static String json(ObjectNode document) {
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param document a JSON tree
     * @return it as YAML text
     */
    static String yaml(ObjectNode document) {
        return dump(JSON.convertValue(document, Map.class));
    }

    /**
     * @param document maps, lists and scalars
     * @return YAML text
     */
    static String dump(Object document) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(120);
        return new Yaml(new LiteralBlocks(options), options).dump(document);
    }

    /** Represents a string holding line breaks as a literal block ({@code |}), the way a person writes it. */
    private static final class LiteralBlocks extends Representer {

        LiteralBlocks(DumperOptions options) {
            super(options);
        }

        @Override
        protected Node representScalar(Tag tag, String value, DumperOptions.ScalarStyle style) {
            if (Tag.STR.equals(tag) && value.indexOf('\n') >= 0 && !value.endsWith(" ")) {
                return super.representScalar(tag, value, DumperOptions.ScalarStyle.LITERAL);
            }
            return super.representScalar(tag, value, style);
        }
    }
}
