package io.kvr.segmenter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.mediatopic.IngestSessionId;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.kafka.KafkaClients;
import io.kvr.schemas.StreamInfo;
import io.kvr.testsupport.TestInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The StreamInfo search against a real broker whose fetches answer slower than one poll: with
 * {@code kafka.fetch.min.bytes} above what the partition holds, every fetch waits out {@code fetch.max.wait.ms}, so
 * the first polls after the seek come back empty although the record is there.
 */
class SessionInfoLookupIT {
    private static final String TOPIC = "lookup.kvr.media.v1";
    private static final long START_MS = 1_700_000_000_000L;

    @TempDir
    static Path dir;

    static TestInfra infra;

    @BeforeAll
    static void start() throws Exception {
        infra = TestInfra.start(dir, Map.of());
        try (Admin admin = clients(Map.of()).admin(Map.of(), Map.of())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (infra != null) {
            infra.close();
        }
    }

    private static KafkaClients clients(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(infra.settings());
        values.put("topics.media", TOPIC);
        values.putAll(extra);
        return new KafkaClients(KafkaSettings.from(Settings.of(values)));
    }

    private static void announce(String sessionId, long timestampMs) throws Exception {
        StreamInfo info = StreamInfo.newBuilder()
                .setStreamId("live/door")
                .setIngestSessionId(sessionId)
                .setStartedAtMs(timestampMs)
                .setSourceUrl("rtsp://10.0.0.5/stream1")
                .setTracks(List.of())
                .build();
        var headers = new RecordHeaders().add(MediaRecords.TYPE_HEADER, MediaRecords.STREAM_INFO);
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of("bootstrap.servers", infra.kafkaBootstrap()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            TOPIC, 0, timestampMs, "live/door".getBytes(), new MediaRecords().encode(info), headers))
                    .get();
        }
    }

    @Test
    void findsTheStreamInfoWhenTheFirstPollsAfterTheSeekComeBackEmpty() throws Exception {
        String session = IngestSessionId.create(START_MS);
        announce(session, START_MS);
        KafkaClients slow = clients(Map.of("kafka.fetch.min.bytes", "1048576", "kafka.fetch.max.wait.ms", "1500"));

        try (SessionInfoLookup lookup =
                new SessionInfoLookup(slow, Duration.ofSeconds(15), new SimpleMeterRegistry())) {
            SessionInfoLookup.Outcome outcome = lookup.find(0, session);

            assertThat(outcome)
                    .isInstanceOfSatisfying(
                            SessionInfoLookup.Found.class,
                            f -> assertThat(f.info().getIngestSessionId()).isEqualTo(session));
        }
    }

    @Test
    void aSessionWithoutStreamInfoIsAbsentOnceTheSearchReachesTheEndOfThePartition() throws Exception {
        announce(IngestSessionId.create(START_MS + 5_000), START_MS + 5_000);
        String missing = IngestSessionId.create(START_MS + 4_000);

        try (SessionInfoLookup lookup =
                new SessionInfoLookup(clients(Map.of()), Duration.ofSeconds(15), new SimpleMeterRegistry())) {
            assertThat(lookup.find(0, missing)).isInstanceOf(SessionInfoLookup.Absent.class);
        }
    }

    @Test
    void aSearchOutOfTimeSaysSoInsteadOfAnsweringNone() throws Exception {
        String session = IngestSessionId.create(START_MS + 10_000);
        announce(session, START_MS + 10_000);
        KafkaClients slow = clients(Map.of("kafka.fetch.min.bytes", "1048576", "kafka.fetch.max.wait.ms", "3000"));

        try (SessionInfoLookup lookup =
                new SessionInfoLookup(slow, Duration.ofMillis(200), new SimpleMeterRegistry())) {
            assertThat(lookup.find(0, session)).isInstanceOf(SessionInfoLookup.Unfinished.class);
        }
    }
}
