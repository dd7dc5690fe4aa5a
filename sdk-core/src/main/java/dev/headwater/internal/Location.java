package dev.headwater.internal;

import dev.headwater.yaml.Utf8Text;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a contract, a schema or a tenant policy is read from, written as configuration writes it: {@code classpath:}
 * a resource (inside a fat jar too), {@code file:} or a plain path, or an {@code http(s)://} URL. A relative name is
 * resolved beside it (a contract's {@code schemaFile}). Internal: not for users.
 */
public final class Location {

    private static final String CLASSPATH = "classpath:";

    private enum Kind { CLASSPATH, FILE, URL }

    private final Kind kind;
    private final String target;

    private Location(Kind kind, String target) {
        this.kind = kind;
        this.target = target;
    }

    /**
     * Reads a location as configuration writes it.
     *
     * @param spec {@code classpath:contracts/orders.yaml}, {@code file:/etc/orders.yaml}, {@code /etc/orders.yaml},
     *     {@code https://config.example.com/orders.yaml}
     * @return the location
     * @throws IllegalArgumentException when it is blank
     */
    public static Location of(String spec) {
        Objects.requireNonNull(spec, "location");
        String text = spec.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a location must name a file, a classpath: resource or a URL, was "
                    + "blank");
        }
        if (text.startsWith(CLASSPATH)) {
            String resource = text.substring(CLASSPATH.length());
            return new Location(Kind.CLASSPATH, resource.startsWith("/") ? resource.substring(1) : resource);
        }
        if (text.startsWith("http://") || text.startsWith("https://")) {
            return new Location(Kind.URL, text);
        }
        if (text.startsWith("file:")) {
            try {
                return new Location(Kind.FILE, Path.of(new URI(text)).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
                return new Location(Kind.FILE, text.substring("file:".length()));
            }
        }
        return new Location(Kind.FILE, text);
    }

    /** @return a location for a file path */
    public static Location of(Path path) {
        return new Location(Kind.FILE, Objects.requireNonNull(path, "path").toString());
    }

    /**
     * Reads the whole text, as UTF-8.
     *
     * @return the text
     * @throws IOException naming the location when it cannot be read
     */
    public String read() throws IOException {
        switch (kind) {
            case FILE:
                return Utf8Text.read(Path.of(target));
            case CLASSPATH:
                ClassLoader loader = Thread.currentThread().getContextClassLoader();
                try (InputStream in = (loader != null ? loader : Location.class.getClassLoader())
                        .getResourceAsStream(target)) {
                    if (in == null) {
                        throw new IOException("no resource '" + target + "' on the classpath");
                    }
                    return Utf8Text.decode(in.readAllBytes(), target);
                }
            default:
                try (InputStream in = URI.create(target).toURL().openStream()) {
                    return Utf8Text.decode(in.readAllBytes(), target);
                }
        }
    }

    /**
     * Resolves a name relative to this location: beside it in the same directory, classpath folder or URL path.
     *
     * @param name a relative name, such as {@code orders.avsc}, or an absolute location
     * @return the location
     */
    public Location resolve(String name) {
        if (name.startsWith(CLASSPATH) || name.startsWith("http://") || name.startsWith("https://")
                || name.startsWith("file:") || Path.of(name).isAbsolute()) {
            return of(name);
        }
        switch (kind) {
            case FILE:
                Path parent = Path.of(target).toAbsolutePath().getParent();
                return new Location(Kind.FILE, (parent == null ? Path.of(name) : parent.resolve(name)).toString());
            case CLASSPATH:
                int slash = target.lastIndexOf('/');
                return new Location(Kind.CLASSPATH, (slash < 0 ? "" : target.substring(0, slash + 1)) + name);
            default:
                return new Location(Kind.URL, URI.create(target).resolve(name).toString());
        }
    }

    /** @return how configuration writes it, credentials in a URL hidden */
    @Override
    public String toString() {
        return switch (kind) {
            case CLASSPATH -> CLASSPATH + target;
            case URL -> Redaction.url(target);
            case FILE -> target;
        };
    }
}
