package dev.headwater.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.headwater.pipeline.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command found, printed as text (a line per finding, then a summary) or as one JSON object:
 * {@code {"command":..., "ok":..., "problems":[{"check","where","message"}], ...details}}.
 */
final class Report {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String command;
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private final Map<String, Object> details = new LinkedHashMap<>();

    Report(String command) {
        this.command = command;
    }

    /** Adds what a check found. */
    void problems(List<Problem> found) {
        problems.addAll(found);
    }

    /** Adds a line to the text output. */
    void line(String line) {
        lines.add(line);
    }

    /** Adds a detail to the JSON output. */
    void detail(String key, Object value) {
        details.put(key, value);
    }

    /**
     * Prints the report.
     *
     * @param format text or json
     * @param out where
     * @return the exit code: 0 without problems, 1 with
     */
    int print(OutputFormat format, PrintWriter out) {
        boolean ok = problems.isEmpty();
        if (format == OutputFormat.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("command", command);
            json.put("ok", ok);
            List<Map<String, String>> found = new ArrayList<>();
            for (Problem problem : problems) {
                found.add(Map.of("check", problem.check(), "where", problem.where(),
                        "message", Secrets.redact(problem.message())));
            }
            json.put("problems", found);
            json.putAll(details);
            try {
                out.println(JSON.writeValueAsString(json));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            lines.forEach(line -> out.println(Secrets.redact(line)));
            for (Problem problem : problems) {
                out.println("FAIL [" + problem.check() + "] " + Secrets.redact(problem.toString()));
            }
            out.println(command + ": " + (ok ? "ok" : problems.size() + " problem(s)"));
        }
        out.flush();
        return ok ? 0 : Headwater.VIOLATION;
    }

    /** The output formats. */
    enum OutputFormat {
        text, json
    }

    /**
     * Writes a document a command made: to the file when one was given (saying so on standard error), else to
     * standard output.
     *
     * @param spec the command
     * @param text the document
     * @param file where, or null for standard output
     * @throws IOException when the file cannot be written
     */
    static void write(CommandSpec spec, String text, Path file) throws IOException {
        if (file == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        } else {
            Files.writeString(file, text);
            spec.commandLine().getErr().println("headwater: wrote " + file);
        }
    }

    /**
     * Writes a document a command made, as {@link #write} does; with {@code --output json}, standard output has one
     * JSON object instead: the file written, or the document itself under {@code document}.
     *
     * @param spec the command
     * @param output the output format asked for
     * @param command the command's name, for the JSON object
     * @param text the document
     * @param file where, or null
     * @return the exit code: 0
     * @throws IOException when the file cannot be written
     */
    static int document(CommandSpec spec, OutputFormat output, String command, String text, Path file)
            throws IOException {
        if (output != OutputFormat.json) {
            write(spec, text, file);
            return 0;
        }
        Report report = new Report(command);
        if (file != null) {
            Files.writeString(file, text);
            report.detail("file", file.toString());
        } else {
            report.detail("document", text);
        }
        return report.print(OutputFormat.json, spec.commandLine().getOut());
    }
}
