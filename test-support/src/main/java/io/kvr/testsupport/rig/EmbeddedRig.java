package io.kvr.testsupport.rig;

import io.kvr.embedded.kafka.EmbeddedKafka;
import io.kvr.embedded.s3.EmbeddedS3;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.S3Settings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.config.TopicNames;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.Topic;
import io.kvr.runtime.kafka.TopicProvisioner;
import io.kvr.runtime.storage.ObjectStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every kvr app needs, in this JVM: an embedded Kafka broker with kvr's topics (media, segments, sources,
 * policies, export requests and status) created as the apps would create them, and an embedded S3 server with
 * the bucket, which can be stopped and started again on the same port and data directory. {@link #settings()}
 * are the keys every app reads, also for an app in another JVM. Apps are started by the test, on top.
 */
public final class EmbeddedRig implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRig.class);
    public static final String ACCESS_KEY = "kvr";
    public static final String SECRET_KEY = "kvr-rig-secret";
    public static final String BUCKET = "kvr";

    private final Path data;
    private final EmbeddedKafka kafka;
    private final int s3Port;
    private final Map<String, String> settings;
    private EmbeddedS3 s3;

    private EmbeddedRig(Path data, EmbeddedKafka kafka, EmbeddedS3 s3, Map<String, String> settings) {
        this.data = data;
        this.kafka = kafka;
        this.s3 = s3;
        this.s3Port = Integer.parseInt(s3.endpoint().substring(s3.endpoint().lastIndexOf(':') + 1));
        this.settings = settings;
    }

    /** Kafka and S3 under {@code data}; kvr's topics with {@code partitions} partitions (control topics keep theirs). */
    public static EmbeddedRig start(Path data, int partitions) {
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Config.of(data.resolve("kafka")));
        EmbeddedS3 s3;
        try {
            s3 = EmbeddedS3.start(EmbeddedS3.Config.of(data.resolve("s3"), ACCESS_KEY, SECRET_KEY));
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        settings.put("s3.endpoint", s3.endpoint());
        settings.put("s3.access.key", ACCESS_KEY);
        settings.put("s3.secret.key", SECRET_KEY);
        settings.put("s3.bucket", BUCKET);
        settings.put("topics.replication.factor", "1");
        settings.put("topics.partitions", Integer.toString(partitions));
        EmbeddedRig rig = new EmbeddedRig(data, kafka, s3, settings);
        try {
            Settings s = Settings.of(settings);
            TopicProvisioner.of(new KafkaClients(KafkaSettings.from(s))).ensure(topics(s));
            rig.objects().ensureBucket();
            return rig;
        } catch (RuntimeException e) {
            rig.close();
            throw e;
        }
    }

    /** kvr's own topics with these settings; an app's internal topics (the indexer's changelogs) are its own. */
    private static List<Topic<?, ?>> topics(Settings s) {
        TopicNames names = TopicNames.from(s);
        List<Topic<?, ?>> topics = new ArrayList<>(KvrTopics.all(names));
        topics.add(KvrTopics.exportRequests(TopicNames.exportRequests(s), names));
        topics.add(KvrTopics.exportStatus(TopicNames.exportStatus(s), names));
        return topics;
    }

    /** The settings every app reads (Kafka, S3, topics), as {@code key=value} pairs. */
    public Map<String, String> settings() {
        return Map.copyOf(settings);
    }

    /** The topic names apps use with {@link #settings()}. */
    public TopicNames topics() {
        return TopicNames.from(Settings.of(settings));
    }

    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    public String s3Endpoint() {
        return s3.endpoint();
    }

    /** A client of the bucket, to read what the apps stored. */
    public ObjectStore objects() {
        return new ObjectStore(S3Settings.from(Settings.of(settings)));
    }

    /** A reader of the media topic from its beginning; the caller closes it. */
    public MediaTopicLog mediaLog() {
        return new MediaTopicLog(kafkaBootstrap(), topics().media());
    }

    /** Stops the S3 server; clients get connection errors until {@link #startS3()}. */
    public void stopS3() {
        s3.close();
        log.info("S3 stopped");
    }

    /** Starts the S3 server again on the same port and data directory. */
    public void startS3() {
        s3 = EmbeddedS3.start(
                EmbeddedS3.Config.of(data.resolve("s3"), ACCESS_KEY, SECRET_KEY).withPort(s3Port));
        log.info("S3 started again at {}", s3.endpoint());
    }

    /** Where the S3 server keeps the bucket's objects (one file per object, key = relative path). */
    public Path bucketDir() {
        return data.resolve("s3").resolve(BUCKET);
    }

    @Override
    public void close() {
        closeQuietly(s3);
        closeQuietly(kafka);
    }

    private static void closeQuietly(AutoCloseable part) {
        try {
            part.close();
        } catch (Exception e) {
            log.warn("closing {} failed: {}", part, e.toString());
        }
    }
}
