package dev.headwater.testkit;

import dev.headwater.HeadwaterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;

/**
 * A real Kafka cluster (KRaft, Kafka's own broker and controller code) running inside this JVM, for tests, samples and
 * local development. No Docker is needed.
 *
 * <pre>{@code
 * try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(3).build().start()) {
 *     kafka.createTopic("retail.orders.placed.v1", 3, (short) 3);
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>One broker by default, combined with its controller. With more than one broker a dedicated controller runs beside
 * them, so any broker can be stopped (for instance a partition leader) while the cluster keeps its quorum. Brokers listen
 * on free ports of the loopback interface. {@link #close()} stops every node, waits for its threads to end, frees its
 * ports and deletes its data directory.
 *
 * <p>Thread safety: {@link #start()} and {@link #close()} are meant to be called by one thread; the other methods may
 * be called from any thread once started.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private static final String BROKER_LISTENER = "EXTERNAL";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String LOCAL_LISTENER = "LOCAL";
    private static final String CLUSTER_ID_FILE = "headwater-cluster-id";

    private final int brokerCount;
    private final Map<String, String> brokerProperties;
    private final Path dataDirectory;
    private final boolean deleteOnClose;
    private final int port;
    /** SASL/PLAIN users of the fixed-port listener (user to password); empty for PLAINTEXT. */
    private final Map<String, String> saslUsers;

    private KafkaClusterTestKit cluster;
    private Admin admin;
    private boolean closed;

    private EmbeddedKafkaCluster(Builder builder) throws IOException {
        this.brokerCount = builder.brokers;
        this.brokerProperties = Map.copyOf(builder.brokerProperties);
        this.deleteOnClose = builder.dataDirectory == null;
        this.port = builder.port;
        this.saslUsers = Map.copyOf(builder.saslUsers);
        this.dataDirectory = builder.dataDirectory != null
                ? Files.createDirectories(builder.dataDirectory)
                : Files.createTempDirectory("headwater-kafka-");
    }

    /**
     * Returns a builder for a cluster with one broker and the settings a single-broker cluster needs.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the storage and starts every node, then waits until every broker is ready to serve.
     *
     * @return this cluster, started
     * @throws HeadwaterException if the cluster cannot start; nothing is left running in that case
     * @throws IllegalStateException if the cluster was already started or closed
     */
    public EmbeddedKafkaCluster start() {
        if (cluster != null || closed) {
            throw new IllegalStateException("EmbeddedKafkaCluster.start() may be called once, on a new cluster");
        }
        try {
            if (port > 0) {
                for (int i = 0; i < brokerCount; i++) {
                    requireFreePort(port + i);
                }
            }
            Path clusterIdFile = dataDirectory.resolve(CLUSTER_ID_FILE);
            boolean formatted = Files.exists(clusterIdFile);
            String clusterId = formatted ? Files.readString(clusterIdFile).strip()
                    : org.apache.kafka.common.Uuid.randomUuid().toString();
            TestKitNodes.Builder nodesBuilder = new TestKitNodes.Builder()
                    .setCombined(brokerCount == 1)
                    .setNumBrokerNodes(brokerCount)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dataDirectory)
                    .setClusterId(clusterId)
                    .setBrokerListenerName(new ListenerName(BROKER_LISTENER))
                    .setControllerListenerName(new ListenerName(CONTROLLER_LISTENER));
            if (port > 0) {
                nodesBuilder.setPerServerProperties(fixedPortListeners());
            }
            TestKitNodes nodes = nodesBuilder.build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(false);
            defaultBrokerProperties(brokerCount).forEach(builder::setConfigProp);
            brokerProperties.forEach(builder::setConfigProp);
            cluster = builder.build();
            if (!formatted) {
                cluster.format();
                Files.writeString(clusterIdFile, clusterId);
            }
            cluster.startup();
            cluster.waitForReadyBrokers();
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                    AdminClientConfig.CLIENT_ID_CONFIG, "headwater-embedded-kafka-admin"));
            return this;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            try {
                close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw new HeadwaterException("The in-process Kafka cluster (" + brokerCount + " broker(s), data in "
                    + dataDirectory + ") failed to start: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the {@code bootstrap.servers} value for clients of this cluster, such as {@code localhost:40123}.
     *
     * @return a comma-separated list of host:port pairs
     * @throws IllegalStateException if the cluster is not running
     */
    public String bootstrapServers() {
        KafkaClusterTestKit running = running();
        if (port > 0) {
            StringBuilder servers = new StringBuilder();
            for (int i = 0; i < brokerCount; i++) {
                servers.append(i == 0 ? "" : ",").append("127.0.0.1:").append(port + i);
            }
            return servers.toString();
        }
        return running.bootstrapServers();
    }

    /**
     * Returns the number of brokers this cluster was built with.
     *
     * @return the broker count, at least 1
     */
    public int brokerCount() {
        return brokerCount;
    }

    /**
     * Returns the ids of the brokers that are part of this cluster.
     *
     * @return broker ids, in ascending order
     */
    public Set<Integer> brokerIds() {
        return Set.copyOf(running().brokers().keySet());
    }

    /**
     * Returns the directory holding the cluster's logs and metadata.
     *
     * @return the data directory; a temporary one unless {@link Builder#dataDirectory(Path)} was set
     */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * Creates a topic and waits until every partition has a leader, so that a producer can send to it at once.
     * Creating a topic that already exists does nothing but the wait.
     *
     * @param name the topic name
     * @param partitions the number of partitions, at least 1
     * @param replicationFactor the replication factor, between 1 and the number of brokers
     * @return this cluster
     * @throws HeadwaterException if the cluster refuses the topic, or a partition has no leader within 30 seconds
     */
    public EmbeddedKafkaCluster createTopic(String name, int partitions, short replicationFactor) {
        Objects.requireNonNull(name, "name");
        if (replicationFactor < 1 || replicationFactor > brokerCount) {
            throw new IllegalArgumentException("replicationFactor for topic '" + name + "' must be between 1 and "
                    + brokerCount + " (the number of brokers), was " + replicationFactor);
        }
        TopicCreation.createAndAwaitLeaders(admin(), new NewTopic(name, partitions, replicationFactor), ADMIN_TIMEOUT);
        return this;
    }

    /**
     * Creates a topic with one partition per broker (at least one) and a replication factor of
     * {@code min(3, brokers)}.
     *
     * @param name the topic name
     * @return this cluster
     */
    public EmbeddedKafkaCluster createTopic(String name) {
        return createTopic(name, 1, (short) Math.min(3, brokerCount));
    }

    /**
     * Returns an admin client for this cluster, owned by the cluster: do not close it.
     *
     * @return the cluster's admin client
     */
    public Admin admin() {
        running();
        return admin;
    }

    /**
     * Stops one broker, as a crash would, while the others go on; used to prove failover, for instance by stopping a
     * partition leader. The broker stays stopped until the cluster is closed.
     *
     * @param brokerId the id of the broker to stop, one of {@link #brokerIds()}
     * @throws IllegalArgumentException if there is no such broker
     */
    public void stopBroker(int brokerId) {
        var broker = running().brokers().get(brokerId);
        if (broker == null) {
            throw new IllegalArgumentException("No broker with id " + brokerId + "; brokers are " + brokerIds());
        }
        broker.shutdown();
        broker.awaitShutdown();
    }

    /**
     * Stops every node, waits for their threads to end, frees their ports and, for a temporary data directory,
     * deletes it. Closing twice does nothing.
     *
     * @throws HeadwaterException if a node fails to shut down cleanly
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Exception> failures = new ArrayList<>();
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (deleteOnClose) {
            try {
                Utils.delete(dataDirectory.toFile());
            } catch (IOException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            HeadwaterException failure = new HeadwaterException(
                    "The in-process Kafka cluster did not shut down cleanly: " + failures.get(0).getMessage(),
                    failures.get(0));
            failures.subList(1, failures.size()).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaCluster{brokers=" + brokerCount + ", bootstrapServers="
                + (cluster != null && !closed ? cluster.bootstrapServers() : "<not running>") + "}";
    }

    private Map<Integer, Map<String, String>> fixedPortListeners() {
        Map<Integer, Map<String, String>> perServer = new LinkedHashMap<>();
        for (int i = 0; i < brokerCount; i++) {
            boolean combined = brokerCount == 1;
            String listeners = BROKER_LISTENER + "://localhost:0,"
                    + (combined ? CONTROLLER_LISTENER + "://localhost:0," : "")
                    + LOCAL_LISTENER + "://127.0.0.1:" + (port + i);
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("listeners", listeners);
            properties.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER
                    + ":PLAINTEXT," + LOCAL_LISTENER + (saslUsers.isEmpty() ? ":PLAINTEXT" : ":SASL_PLAINTEXT"));
            if (!saslUsers.isEmpty()) {
                String local = "listener.name." + LOCAL_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
                StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule "
                        + "required");
                saslUsers.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"")
                        .append(password).append('"'));
                properties.put(local + "sasl.enabled.mechanisms", "PLAIN");
                properties.put(local + "plain.sasl.jaas.config", jaas.append(';').toString());
            }
            perServer.put(i, properties);
        }
        return perServer;
    }

    private static void requireFreePort(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new HeadwaterException("Port " + port + " on 127.0.0.1 is already in use, so the in-process Kafka "
                    + "broker cannot listen there; stop what uses it or choose another port.", e);
        }
    }

    private KafkaClusterTestKit running() {
        if (cluster == null || closed) {
            throw new IllegalStateException("The in-process Kafka cluster is not running: call start() first");
        }
        return cluster;
    }

    private static Map<String, Object> defaultBrokerProperties(int brokers) {
        String replication = String.valueOf(Math.min(3, brokers));
        Map<String, Object> props = new LinkedHashMap<>();
        // Internal topics must fit the cluster, or consumer groups never find a coordinator.
        props.put("offsets.topic.replication.factor", replication);
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        props.put("num.partitions", "1");
        props.put("default.replication.factor", replication);
        return props;
    }

    /** Builds an {@link EmbeddedKafkaCluster}. Not thread safe. */
    public static final class Builder {
        private final Map<String, String> saslUsers = new LinkedHashMap<>();
        private int brokers = 1;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Path dataDirectory;
        private int port;

        private Builder() {
        }

        /**
         * Sets the number of brokers.
         *
         * @param brokers at least 1; default 1
         * @return this builder
         */
        public Builder brokers(int brokers) {
            if (brokers < 1) {
                throw new IllegalArgumentException("brokers must be at least 1, was " + brokers);
            }
            this.brokers = brokers;
            return this;
        }

        /**
         * Sets a broker configuration property on every broker, overriding Headwater's defaults.
         *
         * @param key a Kafka broker configuration key, such as {@code log.retention.ms}
         * @param value its value
         * @return this builder
         */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Listens on fixed ports of 127.0.0.1 besides the free ones the cluster uses internally: the first broker on
         * {@code port}, the next on {@code port + 1}, and so on. {@link EmbeddedKafkaCluster#bootstrapServers()} then
         * returns these. Starting fails with the port named when one is in use.
         *
         * @param port such as 9092, or 0 for free ports only (the default)
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Secures the fixed-port listener ({@link #port(int)}, required) with SASL/PLAIN over plaintext
         * ({@code SASL_PLAINTEXT}) and adds a user: clients of {@link EmbeddedKafkaCluster#bootstrapServers()} then
         * need {@code security.protocol=SASL_PLAINTEXT}, {@code sasl.mechanism=PLAIN} and a JAAS login, as on a
         * secured cluster. The cluster's own traffic stays on its internal plaintext listener.
         *
         * @param user the user name
         * @param password the password
         * @return this builder
         */
        public Builder saslPlainUser(String user, String password) {
            saslUsers.put(Objects.requireNonNull(user, "user"), Objects.requireNonNull(password, "password"));
            return this;
        }

        /**
         * Turns on Kafka's {@code StandardAuthorizer}: a client is allowed only what ACLs grant it, as on a secured
         * production cluster. The cluster's own traffic and {@link EmbeddedKafkaCluster#admin()} use the internal
         * plaintext listener as the super user {@code User:ANONYMOUS}; the users of {@link #saslPlainUser} are
         * {@code User:<name>} and start with no rights.
         *
         * @return this builder
         */
        public Builder authorizer() {
            brokerProperties.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            brokerProperties.put("super.users", "User:ANONYMOUS");
            brokerProperties.put("allow.everyone.if.no.acl.found", "false");
            return this;
        }

        /**
         * Keeps the cluster's data in this directory, which survives {@link #close()}: a cluster started again on
         * the same directory finds its topics and records. By default a temporary directory is used and deleted on
         * close.
         *
         * @param dataDirectory the directory, created if absent
         * @return this builder
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /**
         * Builds the cluster, not yet started.
         *
         * @return a new cluster; call {@link EmbeddedKafkaCluster#start()}
         * @throws HeadwaterException if the data directory cannot be created
         */
        public EmbeddedKafkaCluster build() {
            if (!saslUsers.isEmpty() && port == 0) {
                throw new IllegalArgumentException("saslPlainUser(...) secures the fixed-port listener: set port(...) "
                        + "too");
            }
            try {
                return new EmbeddedKafkaCluster(this);
            } catch (IOException e) {
                throw new HeadwaterException("Cannot create the data directory of the in-process Kafka cluster: "
                        + e.getMessage(), e);
            }
        }
    }
}
