package dev.headwater.pipeline;

import java.util.Objects;

/**
 * One thing a pipeline check found wrong: where (a file and line, a contract subject, a topic) and what, with what to
 * do about it.
 *
 * @param check the check that found it: {@code load}, {@code examples}, {@code compatibility}, {@code expectations},
 *     {@code guardrails}, {@code register}, {@code drift}
 * @param where the file (with line when known), subject or topic
 * @param message what is wrong and what to do
 */
public record Problem(String check, String where, String message) {

    /** Checks that nothing is null. */
    public Problem {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return where + ": " + message;
    }
}
