package dev.headwater.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client over TLS and mutual TLS, against a JDK HTTPS server with certificates made by keytool. */
class SchemaRegistryClientTlsTest {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final String LATEST = "{\"subject\":\"s\",\"version\":1,\"id\":3,\"schema\":\"\\\"string\\\"\"}";

    @TempDir
    static Path keys;

    @BeforeAll
    static void makeCertificates() throws Exception {
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", "server.p12");
        keytool("-exportcert", "-alias", "server", "-keystore", "server.p12", "-file", "server.cer");
        keytool("-importcert", "-noprompt", "-alias", "server", "-file", "server.cer", "-keystore", "client-trust.p12");
        keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-dname", "CN=orders-service", "-validity", "2",
                "-keystore", "client.p12");
        keytool("-exportcert", "-alias", "client", "-keystore", "client.p12", "-file", "client.cer");
        keytool("-importcert", "-noprompt", "-alias", "client", "-file", "client.cer", "-keystore", "server-trust.p12");
    }

    @Test
    void talksToARegistryOverTls() throws Exception {
        HttpsServer server = server(false);
        try {
            SchemaRegistryClient client = SchemaRegistryClient.builder().urls(url(server))
                    .sslContext(context(null, "client-trust.p12")).build();
            assertThat(client.latest("s").id()).isEqualTo(3);

            SchemaRegistryClient untrusting = SchemaRegistryClient.builder().urls(url(server))
                    .retries(1, Duration.ofMillis(1)).build();
            assertThatThrownBy(() -> untrusting.latest("s")).isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("SSLHandshakeException");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void presentsAClientCertificateForMutualTls() throws Exception {
        HttpsServer server = server(true);
        try {
            SchemaRegistryClient withCertificate = SchemaRegistryClient.builder().urls(url(server))
                    .sslContext(context("client.p12", "client-trust.p12")).build();
            assertThat(withCertificate.latest("s").id()).isEqualTo(3);

            SchemaRegistryClient withoutCertificate = SchemaRegistryClient.builder().urls(url(server))
                    .sslContext(context(null, "client-trust.p12")).retries(1, Duration.ofMillis(1)).build();
            assertThatThrownBy(() -> withoutCertificate.latest("s")).isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("no answer from");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void takesMutualTlsAndBasicAuthFromConfluentsPropertyNames() throws Exception {
        HttpsServer server = server(true);
        try {
            java.util.Map<String, Object> properties = java.util.Map.of(
                    "schema.registry.url", url(server),
                    "basic.auth.credentials.source", "USER_INFO",
                    "basic.auth.user.info", "alice:alice-secret",
                    "schema.registry.ssl.truststore.location", keys.resolve("client-trust.p12").toString(),
                    "schema.registry.ssl.truststore.password", "changeit",
                    "schema.registry.ssl.truststore.type", "PKCS12",
                    "schema.registry.ssl.keystore.location", keys.resolve("client.p12").toString(),
                    "schema.registry.ssl.keystore.password", "changeit",
                    "schema.registry.ssl.keystore.type", "PKCS12");

            assertThat(SchemaRegistryClient.fromProperties(properties).latest("s").id()).isEqualTo(3);
            assertThat(authorizations).contains("Basic " + java.util.Base64.getEncoder().encodeToString(
                    "alice:alice-secret".getBytes(StandardCharsets.UTF_8)));
            assertThat(dev.headwater.serde.AvroSerdeConfig.fromProperties(properties).toString())
                    .doesNotContain("alice-secret").doesNotContain("changeit").contains("tls");

            java.util.Map<String, Object> wrongPassword = new java.util.HashMap<>(properties);
            wrongPassword.put("schema.registry.ssl.keystore.password", "not-the-password");
            assertThatThrownBy(() -> SchemaRegistryClient.fromProperties(wrongPassword))
                    .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                    .hasMessageContaining("schema.registry.ssl.keystore.location")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-password"));
        } finally {
            server.stop(0);
        }
    }

    private static final java.util.List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static HttpsServer server(boolean needClientAuth) throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        SSLContext context = context("server.p12", needClientAuth ? "server-trust.p12" : null);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = context.getDefaultSSLParameters();
                parameters.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(parameters);
            }
        });
        server.createContext("/", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                authorizations.add(authorization);
            }
            byte[] body = LATEST.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static String url(HttpsServer server) {
        return "https://localhost:" + server.getAddress().getPort();
    }

    private static SSLContext context(String keyStore, String trustStore) throws Exception {
        KeyManagerFactory keyManagers = null;
        if (keyStore != null) {
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(load(keyStore), PASSWORD);
        }
        TrustManagerFactory trustManagers = null;
        if (trustStore != null) {
            trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(load(trustStore));
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(),
                trustManagers == null ? null : trustManagers.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keys.resolve(name).toFile())) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", "changeit", "-keypass", "changeit", "-storetype", "PKCS12"));
        Process process = new ProcessBuilder(command).directory(keys.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
