package dev.headwater.pipeline;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real browser (Chromium or Chrome, headless) to open the pages this module writes, when one is installed;
 * {@code .ci/run} installs Chromium where it can.
 */
public final class HeadlessBrowser {

    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome",
            "google-chrome-stable");

    private final String executable;

    private HeadlessBrowser(String executable) {
        this.executable = executable;
    }

    /** @return the browser on the PATH, if there is one */
    public static Optional<HeadlessBrowser> find() {
        for (String name : NAMES) {
            for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, name))) {
                    return Optional.of(new HeadlessBrowser(Path.of(directory, name).toString()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Opens a page from a file, with no server, and returns the document the browser built from it.
     *
     * @param page the page
     * @return the DOM as the browser serializes it
     * @throws IOException when the browser cannot be started
     * @throws InterruptedException when interrupted while it runs
     */
    public String dom(Path page) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(executable, "--headless", "--no-sandbox", "--disable-gpu",
                "--dump-dom", page.toUri().toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(executable + " did not finish within 60 s");
        }
        return dom;
    }
}
