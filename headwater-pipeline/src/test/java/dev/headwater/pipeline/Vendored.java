package dev.headwater.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Official schemas and examples the project does not commit: read from {@code shared/vendor/catalogs/} beside the
 * repository (each file with its source in {@code SOURCE.md} there), or from the folder the system property
 * {@code headwater.vendor.catalogs} names. A test that needs one skips, saying why, where the folder is absent.
 */
final class Vendored {

    private Vendored() {
    }

    /**
     * @param relative a path under {@code catalogs/}, such as {@code odcs/odcs-json-schema-v3.1.0.json}
     * @return the file or folder; the calling test is skipped when it is absent
     */
    static Path require(String relative) {
        Path catalogs = catalogs();
        Path found = catalogs == null ? null : catalogs.resolve(relative);
        Assumptions.assumeTrue(found != null && Files.exists(found), () -> "skipped: " + relative + " is read from "
                + "shared/vendor/catalogs/ beside the repository (or -Dheadwater.vendor.catalogs=DIR), which is "
                + "absent here; the project commits no copy of another repository's files");
        return found;
    }

    private static Path catalogs() {
        String configured = System.getProperty("headwater.vendor.catalogs");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/vendor/catalogs");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
