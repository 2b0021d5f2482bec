package io.kvr.embedded.kafka;

import io.kvr.embedded.EmbeddedException;
import io.kvr.embedded.LocalPorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster (KRaft, one process acting as broker and controller) running inside this JVM.
 *
 * <p>The data directory is formatted with {@link MetadataVersion#latestProduction()} on first start only; later starts
 * on the same directory keep the topics, records and cluster id. Clients connect over a plaintext listener named
 * {@value #CLIENT_LISTENER}; the controller listens on a second, always ephemeral, port of the same host.
 *
 * <p>Not for production: one replica of everything, no security beyond an optional SCRAM listener
 * ({@link ScramListener}) and what {@link Config#extraProperties()} adds, and
 * Kafka halts the whole JVM on a fatal storage error, as a stand-alone broker would.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Name of the listener that clients use (and the inter-broker listener). */
    public static final String CLIENT_LISTENER = "CLIENT";
    /** Name of the optional SASL_PLAINTEXT/SCRAM client listener ({@link ScramListener}). */
    public static final String SASL_LISTENER = "SASL";
    /** Name of the KRaft controller listener. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** Largest record batch the broker accepts ({@code message.max.bytes}): 16 MiB. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** The node id of the one broker+controller. */
    public static final int NODE_ID = 1;

    static final String META_PROPERTIES = "meta.properties";
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
    private static final int BIND_ATTEMPTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /**
     * Where and how to run the broker.
     *
     * @param dataDir         Kafka's log directory (holds {@code meta.properties}, the metadata log and all topics),
     *                        e.g. {@code <data>/kafka}; created if missing
     * @param host            address both listeners bind to and the broker advertises, e.g. {@code 127.0.0.1}
     * @param port            client listener port; 0 picks a free one
     * @param extraProperties broker properties applied over the defaults (e.g. SASL settings); the keys in
     *                        {@link #RESERVED_PROPERTIES} are owned by this class and rejected
     * @param scram           an extra SASL_PLAINTEXT client listener with SCRAM users, or empty (the default)
     */
    public record Config(
            Path dataDir, String host, int port, Map<String, String> extraProperties, Optional<ScramListener> scram) {

        /** Loopback: the default bind address. */
        public static final String DEFAULT_HOST = "127.0.0.1";

        /** Broker properties derived from the other fields, which {@link #extraProperties()} must not set. */
        public static final Set<String> RESERVED_PROPERTIES = Set.of(
                "process.roles",
                "node.id",
                "broker.id",
                "log.dirs",
                "log.dir",
                "metadata.log.dir",
                "listeners",
                "advertised.listeners",
                "controller.listener.names",
                "controller.quorum.voters",
                "controller.quorum.bootstrap.servers");

        public Config {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(extraProperties, "extraProperties");
            Objects.requireNonNull(scram, "scram");
            List<String> problems = new ArrayList<>();
            if (host.isBlank()) {
                problems.add("host must not be blank");
            }
            if (port < 0 || port > 65_535) {
                problems.add("port must be 0 (pick a free one) or 1-65535, was " + port);
            }
            Set<String> reserved = new TreeSet<>(extraProperties.keySet());
            reserved.retainAll(RESERVED_PROPERTIES);
            if (!reserved.isEmpty()) {
                problems.add("extraProperties must not set " + reserved + ": EmbeddedKafka derives them");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid EmbeddedKafka.Config: " + String.join("; ", problems));
            }
            dataDir = dataDir.toAbsolutePath().normalize();
            extraProperties = Map.copyOf(extraProperties);
        }

        /** Without a SCRAM listener. */
        public Config(Path dataDir, String host, int port, Map<String, String> extraProperties) {
            this(dataDir, host, port, extraProperties, Optional.empty());
        }

        /** Loopback, a free port, no extra properties. */
        public static Config of(Path dataDir) {
            return new Config(dataDir, DEFAULT_HOST, 0, Map.of());
        }

        public Config withHost(String newHost) {
            return new Config(dataDir, newHost, port, extraProperties, scram);
        }

        public Config withPort(int newPort) {
            return new Config(dataDir, host, newPort, extraProperties, scram);
        }

        public Config withExtraProperties(Map<String, String> newExtraProperties) {
            return new Config(dataDir, host, port, newExtraProperties, scram);
        }

        /** Adds a SASL_PLAINTEXT listener on which {@code listener}'s SCRAM users log in. */
        public Config withScram(ScramListener listener) {
            return new Config(dataDir, host, port, extraProperties, Optional.of(listener));
        }

        /** Names the extra properties but never shows their values: they may hold passwords (JAAS configs). */
        @Override
        public String toString() {
            return "Config[dataDir=" + dataDir + ", host=" + host + ", port=" + port
                    + ", extraProperties=" + new TreeSet<>(extraProperties.keySet())
                    + scram.map(s -> ", scram=" + s).orElse("") + "]";
        }
    }

    /**
     * A second client listener, {@value #SASL_LISTENER}, speaking SASL_PLAINTEXT with one SCRAM mechanism, and the
     * users that may log in on it. The users are created (or their passwords reset) through the plaintext
     * {@value #CLIENT_LISTENER} listener at every start, so a restarted broker accepts the same users. The
     * plaintext listener stays open: it is the inter-broker listener and an operator's way in.
     *
     * @param port      listener port; 0 picks a free one
     * @param mechanism {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
     * @param users     user name to password, at least one
     */
    public record ScramListener(int port, String mechanism, Map<String, String> users) {

        public static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-256", "SCRAM-SHA-512");

        public ScramListener {
            Objects.requireNonNull(mechanism, "mechanism");
            Objects.requireNonNull(users, "users");
            List<String> problems = new ArrayList<>();
            if (port < 0 || port > 65_535) {
                problems.add("port must be 0 (pick a free one) or 1-65535, was " + port);
            }
            if (!MECHANISMS.contains(mechanism)) {
                problems.add("mechanism must be one of " + new TreeSet<>(MECHANISMS) + ", was " + mechanism);
            }
            if (users.isEmpty()) {
                problems.add("at least one user is needed");
            }
            users.forEach((name, password) -> {
                if (name.isBlank() || name.contains("\"") || name.contains("\\")) {
                    problems.add("user name must be non-blank without quotes or backslashes: '" + name + "'");
                }
                if (password == null || password.isEmpty() || password.contains("\"") || password.contains("\\")) {
                    problems.add("password of " + name + " must be non-empty without quotes or backslashes");
                }
            });
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(
                        "invalid EmbeddedKafka.ScramListener: " + String.join("; ", problems));
            }
            users = Map.copyOf(users);
        }

        /** A free port, one user. */
        public static ScramListener of(String mechanism, String user, String password) {
            return new ScramListener(0, mechanism, Map.of(user, password));
        }

        /**
         * The Kafka client settings with which {@code user} logs in with {@code password} on this listener (add
         * {@code bootstrap.servers}); the password need not be the right one, so tests can also try a wrong one.
         */
        public Map<String, String> clientProperties(String user, String password) {
            return Map.of(
                    "security.protocol",
                    "SASL_PLAINTEXT",
                    "sasl.mechanism",
                    mechanism,
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                            + "\" password=\"" + password + "\";");
        }

        /** Names the users but never shows their passwords. */
        @Override
        public String toString() {
            return "ScramListener[port=" + port + ", mechanism=" + mechanism + ", users="
                    + new TreeSet<>(users.keySet()) + "]";
        }
    }

    private final KafkaRaftServer server;
    private final Config config;
    private final String clusterId;
    private final String bootstrapServers;
    private final Optional<String> saslBootstrapServers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(
            KafkaRaftServer server,
            Config config,
            String clusterId,
            String bootstrapServers,
            Optional<String> saslBootstrapServers) {
        this.server = server;
        this.config = config;
        this.clusterId = clusterId;
        this.bootstrapServers = bootstrapServers;
        this.saslBootstrapServers = saslBootstrapServers;
    }

    /**
     * Formats {@code config.dataDir()} if it is not formatted yet, starts the broker+controller and returns once the
     * broker answers a {@code DescribeCluster} request (with a {@link ScramListener}: once its users exist and the
     * first of them can log in on it).
     *
     * @throws EmbeddedException.StartFailed if it cannot start within two minutes
     */
    public static EmbeddedKafka start(Config config) {
        Objects.requireNonNull(config, "config");
        long started = System.nanoTime();
        long deadline = started + STARTUP_TIMEOUT.toNanos();
        String clusterId = formatIfNeeded(config.dataDir());
        for (int attempt = 1; ; attempt++) {
            int brokerPort = config.port() == 0 ? LocalPorts.free(config.host()) : config.port();
            int controllerPort = LocalPorts.free(config.host());
            int saslPort = config.scram()
                    .map(s -> s.port() == 0 ? LocalPorts.free(config.host()) : s.port())
                    .orElse(0);
            KafkaRaftServer server;
            try {
                server = new KafkaRaftServer(
                        KafkaConfig.fromProps(brokerProperties(config, brokerPort, controllerPort, saslPort), false),
                        Time.SYSTEM);
            } catch (RuntimeException e) {
                throw new EmbeddedException.StartFailed("invalid Kafka configuration for " + config, e);
            }
            try {
                server.startup();
            } catch (RuntimeException e) {
                stopQuietly(server);
                boolean portsPicked = config.port() == 0
                        && config.scram().map(s -> s.port() == 0).orElse(true);
                if (portsPicked && attempt < BIND_ATTEMPTS && isBindFailure(e)) {
                    LOG.warn(
                            "Embedded Kafka could not bind a port picked as free (attempt {} of {}), retrying",
                            attempt,
                            BIND_ATTEMPTS);
                    continue;
                }
                throw new EmbeddedException.StartFailed(
                        "Embedded Kafka failed to start on " + LocalPorts.hostPort(config.host(), brokerPort) + " with "
                                + config,
                        e);
            }
            EmbeddedKafka kafka = new EmbeddedKafka(
                    server,
                    config,
                    clusterId,
                    LocalPorts.hostPort(config.host(), brokerPort),
                    config.scram().map(s -> LocalPorts.hostPort(config.host(), saslPort)));
            try {
                kafka.awaitReady(deadline);
                if (config.scram().isPresent()) {
                    kafka.createScramUsers(config.scram().get(), deadline);
                }
            } catch (RuntimeException e) {
                kafka.closeQuietly();
                throw e;
            }
            LOG.info(
                    "Embedded Kafka cluster {} ready at {} (controller port {}, data {}) in {} ms",
                    clusterId,
                    kafka.bootstrapServers,
                    controllerPort,
                    config.dataDir(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return kafka;
        }
    }

    /** {@code host:port} of the client listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * {@code host:port} of the SASL_PLAINTEXT listener when the config has a {@link ScramListener}; clients also need
     * {@link ScramListener#clientProperties(String, String)}.
     */
    public Optional<String> saslBootstrapServers() {
        return saslBootstrapServers;
    }

    /** The cluster id, chosen at the first start and kept in {@code meta.properties} of the data directory. */
    public String clusterId() {
        return clusterId;
    }

    /** The configuration this broker was started with. */
    public Config config() {
        return config;
    }

    /**
     * Shuts the broker and controller down cleanly and waits until they have stopped; the data directory can then be
     * started again. Calling it again does nothing.
     *
     * @throws EmbeddedException.StopFailed if Kafka failed while shutting down
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            throw new EmbeddedException.StopFailed("Embedded Kafka at " + bootstrapServers + " failed to stop", e);
        }
        LOG.info(
                "Embedded Kafka at {} stopped in {} ms",
                bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers + ", clusterId=" + clusterId + ", dataDir=" + config.dataDir() + "]";
    }

    static Properties brokerProperties(Config config, int brokerPort, int controllerPort) {
        return brokerProperties(config, brokerPort, controllerPort, 0);
    }

    /** {@code saslPort} is used only when the config has a {@link ScramListener}. */
    static Properties brokerProperties(Config config, int brokerPort, int controllerPort, int saslPort) {
        String client = LocalPorts.hostPort(config.host(), brokerPort);
        String controller = LocalPorts.hostPort(config.host(), controllerPort);
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + controller);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listeners", CLIENT_LISTENER + "://" + client + "," + CONTROLLER_LISTENER + "://" + controller);
        props.put("advertised.listeners", CLIENT_LISTENER + "://" + client);
        props.put("inter.broker.listener.name", CLIENT_LISTENER);
        props.put(
                "listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.scram().ifPresent(scram -> {
            // SCRAM credentials live in the cluster metadata; the broker's login module needs no user of its own
            String sasl = LocalPorts.hostPort(config.host(), saslPort);
            props.put("listeners", props.get("listeners") + "," + SASL_LISTENER + "://" + sasl);
            props.put("advertised.listeners", props.get("advertised.listeners") + "," + SASL_LISTENER + "://" + sasl);
            props.put(
                    "listener.security.protocol.map",
                    props.get("listener.security.protocol.map") + "," + SASL_LISTENER + ":SASL_PLAINTEXT");
            props.put(
                    "listener.name." + SASL_LISTENER.toLowerCase(Locale.ROOT) + ".sasl.enabled.mechanisms",
                    scram.mechanism());
            props.put(
                    "listener.name." + SASL_LISTENER.toLowerCase(Locale.ROOT) + "."
                            + scram.mechanism().toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        });
        props.put("log.dirs", config.dataDir().toString());

        // One replica of everything, or consumer groups, transactions and share groups hang without an error.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");

        // Embedded sizing: the cleaner's 128 MB default dedupe buffer is heap wasted here.
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));

        // Large records (whole video segments or key frames): 16 MiB batches. socket.request.max.bytes keeps its
        // 100 MiB default, which already fits a full 16 MiB produce request.
        props.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        props.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        props.put("socket.request.max.bytes", Integer.toString(100 * 1024 * 1024));

        // Topics are created on purpose, with their own settings; groups start without the 3 s join delay.
        props.put("auto.create.topics.enable", "false");
        props.put("group.initial.rebalance.delay.ms", "0");

        props.putAll(config.extraProperties());
        return props;
    }

    /** Formats the directory unless {@code meta.properties} is there already; returns the cluster id either way. */
    static String formatIfNeeded(Path dataDir) {
        Path meta = dataDir.resolve(META_PROPERTIES);
        try {
            if (Files.exists(meta)) {
                return readClusterId(meta);
            }
            Files.createDirectories(dataDir);
            String clusterId = Uuid.randomUuid().toString();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
                new Formatter()
                        .setPrintStream(print)
                        .setClusterId(clusterId)
                        .setNodeId(NODE_ID)
                        .setControllerListenerName(CONTROLLER_LISTENER)
                        .setDirectories(List.of(dataDir.toString()))
                        .setMetadataLogDirectory(dataDir.toString())
                        .setReleaseVersion(MetadataVersion.latestProduction())
                        .run();
            }
            LOG.info(
                    "Formatted {} for Kafka cluster {}: {}",
                    dataDir,
                    clusterId,
                    out.toString(StandardCharsets.UTF_8).strip());
            return clusterId;
        } catch (EmbeddedException e) {
            throw e;
        } catch (Exception e) {
            throw new EmbeddedException.StartFailed("cannot format Kafka data directory " + dataDir, e);
        }
    }

    private static String readClusterId(Path meta) throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
            props.load(reader);
        }
        String clusterId = props.getProperty("cluster.id");
        String nodeId = props.getProperty("node.id");
        if (clusterId == null || clusterId.isBlank()) {
            throw new EmbeddedException.StartFailed(meta + " has no cluster.id: not a Kafka data directory?", null);
        }
        if (!Integer.toString(NODE_ID).equals(nodeId)) {
            throw new EmbeddedException.StartFailed(
                    meta + " belongs to node " + nodeId + ", not to the embedded node " + NODE_ID, null);
        }
        return clusterId;
    }

    private void awaitReady(long deadlineNanos) {
        long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "kvr-embedded-readiness",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, remainingMs),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000);
        try (Admin admin = Admin.create(adminConfig)) {
            DescribeClusterResult cluster = admin.describeCluster();
            Collection<Node> nodes = cluster.nodes().get(remainingMs, TimeUnit.MILLISECONDS);
            String servedClusterId = cluster.clusterId().get(remainingMs, TimeUnit.MILLISECONDS);
            if (nodes.isEmpty() || !clusterId.equals(servedClusterId)) {
                throw new EmbeddedException.StartFailed(
                        "Embedded Kafka at " + bootstrapServers + " answered with " + nodes + " of cluster "
                                + servedClusterId + ", expected node " + NODE_ID + " of " + clusterId,
                        null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedException.StartFailed("interrupted waiting for Embedded Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new EmbeddedException.StartFailed(
                    "Embedded Kafka at " + bootstrapServers + " did not become ready within " + STARTUP_TIMEOUT, e);
        }
    }

    /**
     * Upserts the SCRAM users over the plaintext listener, then waits until the first of them can log in on the SASL
     * listener: the credentials reach the broker's metadata cache a moment after the controller accepts them.
     */
    private void createScramUsers(ScramListener scram, long deadlineNanos) {
        String listener = saslBootstrapServers.orElseThrow();
        ScramMechanism mechanism = ScramMechanism.fromMechanismName(scram.mechanism());
        long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "kvr-embedded-scram-users"))) {
            admin.alterUserScramCredentials(scram.users().entrySet().stream()
                            .<UserScramCredentialAlteration>map(u -> new UserScramCredentialUpsertion(
                                    u.getKey(), new ScramCredentialInfo(mechanism, 8192), u.getValue()))
                            .toList())
                    .all()
                    .get(remainingMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedException.StartFailed("interrupted creating SCRAM users", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new EmbeddedException.StartFailed("cannot create the SCRAM users " + scram + " on " + this, e);
        }
        String user = new TreeSet<>(scram.users().keySet()).first();
        Map<String, Object> login =
                new HashMap<>(scram.clientProperties(user, scram.users().get(user)));
        login.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, listener);
        login.put(AdminClientConfig.CLIENT_ID_CONFIG, "kvr-embedded-scram-readiness");
        login.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        login.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        Exception last = null;
        while (System.nanoTime() < deadlineNanos) {
            try (Admin admin = Admin.create(login)) {
                admin.describeCluster().nodes().get(15, TimeUnit.SECONDS);
                LOG.info(
                        "Embedded Kafka SASL listener {} accepts {} {}",
                        listener,
                        scram.mechanism(),
                        new TreeSet<>(scram.users().keySet()));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedException.StartFailed("interrupted waiting for the SASL listener", e);
            } catch (ExecutionException | TimeoutException e) {
                last = e; // authentication fails until the credentials reach the broker
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new EmbeddedException.StartFailed("interrupted waiting for the SASL listener", ie);
                }
            }
        }
        throw new EmbeddedException.StartFailed(
                "user " + user + " cannot log in on the SASL listener " + listener + " within " + STARTUP_TIMEOUT,
                last);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("Embedded Kafka at {} failed to stop after a failed start", bootstrapServers, e);
        }
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Embedded Kafka failed to stop after a failed start", e);
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }
}
