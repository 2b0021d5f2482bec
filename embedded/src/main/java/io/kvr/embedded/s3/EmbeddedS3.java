package io.kvr.embedded.s3;

import io.kvr.embedded.EmbeddedException;
import io.kvr.embedded.LocalPorts;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.logging.slf4j.config.SLF4JLoggingModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible HTTP server running inside this JVM: s3proxy in front of the jclouds {@code filesystem-nio2}
 * blob store. Each bucket is a directory under {@link Config#dataDir()} and each object a file in it (metadata and
 * ETags in extended attributes), so the data survives a restart. Requests must be signed with AWS Signature V4 using
 * the configured access key and secret.
 *
 * <p>Not for production: one directory, no replication, no TLS, a single key pair.
 */
public final class EmbeddedS3 implements AutoCloseable {

    /** The jclouds blob store s3proxy serves from. */
    static final String BLOBSTORE_PROVIDER = "filesystem-nio2";

    private static final String BASEDIR_PROPERTY = "jclouds.filesystem.basedir";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

    /**
     * Where and how to run the server.
     *
     * @param dataDir   root of the blob store, one directory per bucket, e.g. {@code <data>/s3}; created if missing
     * @param host      address to bind, e.g. {@code 127.0.0.1}
     * @param port      HTTP port; 0 picks a free one
     * @param accessKey access key id that clients sign with
     * @param secretKey secret key that clients sign with; never shown by {@link #toString()}
     */
    public record Config(Path dataDir, String host, int port, String accessKey, String secretKey) {

        /** Loopback: the default bind address. */
        public static final String DEFAULT_HOST = "127.0.0.1";

        public Config {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(accessKey, "accessKey");
            Objects.requireNonNull(secretKey, "secretKey");
            List<String> problems = new ArrayList<>();
            if (host.isBlank()) {
                problems.add("host must not be blank");
            }
            if (port < 0 || port > 65_535) {
                problems.add("port must be 0 (pick a free one) or 1-65535, was " + port);
            }
            if (accessKey.isBlank()) {
                problems.add("accessKey must not be blank");
            }
            if (secretKey.isBlank()) {
                problems.add("secretKey must not be blank");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid EmbeddedS3.Config: " + String.join("; ", problems));
            }
            dataDir = dataDir.toAbsolutePath().normalize();
        }

        /** Loopback and a free port. */
        public static Config of(Path dataDir, String accessKey, String secretKey) {
            return new Config(dataDir, DEFAULT_HOST, 0, accessKey, secretKey);
        }

        public Config withHost(String newHost) {
            return new Config(dataDir, newHost, port, accessKey, secretKey);
        }

        public Config withPort(int newPort) {
            return new Config(dataDir, host, newPort, accessKey, secretKey);
        }

        /** Shows the access key but never the secret. */
        @Override
        public String toString() {
            return "Config[dataDir=" + dataDir + ", host=" + host + ", port=" + port + ", accessKey=" + accessKey
                    + ", secretKey=***]";
        }
    }

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final Config config;
    private final String endpoint;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedS3(S3Proxy proxy, BlobStoreContext context, Config config, String endpoint) {
        this.proxy = proxy;
        this.context = context;
        this.config = config;
        this.endpoint = endpoint;
    }

    /**
     * Starts serving {@code config.dataDir()} and returns once the HTTP port is accepting requests.
     *
     * @throws EmbeddedException.StartFailed if the directory cannot be created or the port cannot be bound
     */
    public static EmbeddedS3 start(Config config) {
        Objects.requireNonNull(config, "config");
        long started = System.nanoTime();
        BlobStoreContext context = null;
        S3Proxy proxy = null;
        try {
            Files.createDirectories(config.dataDir());
            Properties overrides = new Properties();
            overrides.setProperty(BASEDIR_PROPERTY, config.dataDir().toString());
            context = ContextBuilder.newBuilder(BLOBSTORE_PROVIDER)
                    .credentials("", "") // a local blob store needs none, but jclouds insists on the property
                    .overrides(overrides)
                    .modules(List.of(new SLF4JLoggingModule()))
                    .build(BlobStoreContext.class);
            proxy = S3Proxy.builder()
                    .blobStore(context.getBlobStore())
                    .endpoint(URI.create("http://" + LocalPorts.hostPort(config.host(), config.port())))
                    .awsAuthentication(AuthenticationType.AWS_V4, config.accessKey(), config.secretKey())
                    .build();
            proxy.start();
            if (!"STARTED".equals(proxy.getState())) {
                throw new IllegalStateException("s3proxy is " + proxy.getState() + " after start");
            }
        } catch (Exception e) {
            stopQuietly(proxy, context);
            throw new EmbeddedException.StartFailed("Embedded S3 failed to start with " + config, e);
        }
        String endpoint = "http://" + LocalPorts.hostPort(config.host(), proxy.getPort());
        LOG.info(
                "Embedded S3 ready at {} (data {}) in {} ms",
                endpoint,
                config.dataDir(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return new EmbeddedS3(proxy, context, config, endpoint);
    }

    /** Base URL of the server, e.g. {@code http://127.0.0.1:39217}, for an S3 client's endpoint setting. */
    public String endpoint() {
        return endpoint;
    }

    /** The access key id clients sign with. */
    public String accessKey() {
        return config.accessKey();
    }

    /** The secret key clients sign with. */
    public String secretKey() {
        return config.secretKey();
    }

    /** The configuration this server was started with. */
    public Config config() {
        return config;
    }

    /**
     * Stops the HTTP server (waiting for it to stop) and releases the blob store. Calling it again does nothing.
     *
     * @throws EmbeddedException.StopFailed if the HTTP server failed to stop
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new EmbeddedException.StopFailed("Embedded S3 at " + endpoint + " failed to stop", e);
        } finally {
            context.close();
        }
        LOG.info("Embedded S3 at {} stopped", endpoint);
    }

    @Override
    public String toString() {
        return "EmbeddedS3[" + endpoint + ", dataDir=" + config.dataDir() + "]";
    }

    private static void stopQuietly(S3Proxy proxy, BlobStoreContext context) {
        try {
            if (proxy != null) {
                proxy.stop();
            }
        } catch (Exception e) {
            LOG.warn("Embedded S3 failed to stop after a failed start", e);
        }
        if (context != null) {
            context.close();
        }
    }
}
