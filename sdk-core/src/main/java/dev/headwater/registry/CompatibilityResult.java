package dev.headwater.registry;

import java.util.List;

/**
 * The registry's answer to a compatibility test.
 *
 * @param compatible true when the schema may be registered under the subject
 * @param messages why not, one reason per entry; empty when compatible
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {

    /** Copies the messages. */
    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
