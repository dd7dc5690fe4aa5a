package dev.headwater.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends each fault's figures, in the form RELIABILITY.md uses, to {@code target/reliability-figures.md}: one line per
 * fault, "in = handled + dead-lettered, lost, duplicated".
 */
final class Figures {

    static final Path FILE = Path.of("target", "reliability-figures.md");
    /** Whether this run wrote the table's head yet: each run starts the file anew. */
    private static boolean started;

    private Figures() {
    }

    /**
     * Records one fault's outcome.
     *
     * @param fault what was injected
     * @param in records written
     * @param handled records handled by the application
     * @param deadLettered records set aside with their reason
     * @param lost records neither handled nor dead-lettered
     * @param duplicated records handled more than once
     * @param note what the duplicates are, or anything else to say
     */
    static synchronized void record(String fault, long in, long handled, long deadLettered, long lost, long duplicated,
            String note) {
        append(String.format("| %s | %d | %d | %d | %d | %d | %s |%n", fault, in, handled, deadLettered, lost,
                duplicated, note));
    }

    private static void append(String line) {
        try {
            Files.createDirectories(FILE.getParent());
            if (!started) {
                started = true;
                Files.writeString(FILE, "| fault | in | handled | dead-lettered | lost | duplicated | note |\n"
                        + "|---|---:|---:|---:|---:|---:|---|\n", StandardCharsets.UTF_8);
            }
            Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records a refusal: a fault whose proof is that nothing was written where it must not be. */
    static synchronized void refused(String fault, String how) {
        append(String.format("| %s | - | - | - | 0 | 0 | %s |%n", fault, how));
    }
}
