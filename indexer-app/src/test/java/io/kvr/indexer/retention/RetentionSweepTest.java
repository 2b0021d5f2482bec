package io.kvr.indexer.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.index.IndexedSegment;
import io.kvr.indexer.store.IndexTopology;
import io.kvr.indexer.store.IndexedValue;
import io.kvr.indexer.store.SegmentKeys;
import io.kvr.indexer.store.StreamState;
import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.schemas.SegmentRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep as a wall-clock punctuation of the real topology (TopologyTestDriver), deleting into a list. */
class RetentionSweepTest {
    private static final String TOPIC = "test.segments.v1";
    private static final long T0 = 1_700_000_000_000L;
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    private final AvroCodec<SegmentRecord> codec = new AvroCodec<>(SegmentRecord.class);
    private final IndexedValue values = new IndexedValue();
    private final List<String> removed = new ArrayList<>();
    private final AtomicBoolean storageDown = new AtomicBoolean();
    private final AtomicReference<Map<String, Long>> periods = new AtomicReference<>(Map.of());
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> input;
    private KeyValueStore<Bytes, byte[]> segments;
    private KeyValueStore<String, byte[]> streams;

    @BeforeEach
    void start() {
        java.util.Properties props = new java.util.Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "retention-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Retention retention = new Retention(
                INTERVAL,
                id -> {
                    Long p = periods.get().get(id);
                    return p == null ? OptionalLong.empty() : OptionalLong.of(p);
                },
                (bucket, key) -> {
                    if (storageDown.get()) {
                        throw new IllegalStateException("storage down");
                    }
                    removed.add(bucket + ":" + key);
                },
                metrics);
        driver = new TopologyTestDriver(IndexTopology.build(TOPIC, retention), props, Instant.ofEpochMilli(T0));
        input = driver.createInputTopic(TOPIC, new StringSerializer(), new ByteArraySerializer());
        segments = driver.getKeyValueStore(IndexTopology.SEGMENTS_STORE);
        streams = driver.getKeyValueStore(IndexTopology.STREAMS_STORE);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static SegmentRecord segment(String streamId, String session, long startMs) {
        return SegmentRecord.newBuilder()
                .setStreamId(streamId)
                .setIngestSessionId(session)
                .setSequence(startMs - T0)
                .setStartTimeMs(startMs)
                .setEndTimeMs(startMs + 2000)
                .setDurationMs(2000)
                .setMediaStartTime(0)
                .setMediaDuration(180_000)
                .setTimescale(90_000)
                .setByteSize(1000)
                .setBucket("kvr")
                .setObjectKey(streamId + "/2023/11/14/22/" + session + "-" + (startMs - T0) + ".m4s")
                .setInitKey(streamId + "/init/" + session + "-0011223344556677.mp4")
                .setCodecs("avc1.42c01e")
                .setWidth(640)
                .setHeight(360)
                .setMoofOffset(0)
                .setMoofSize(0)
                .setMdatOffset(0)
                .setMdatSize(0)
                .build();
    }

    /** {@code count} contiguous 2 s segments of one session from {@code startMs}. */
    private void record(String streamId, String session, long startMs, int count) {
        for (int i = 0; i < count; i++) {
            SegmentRecord r = segment(streamId, session, startMs + i * 2000L);
            input.pipeInput(streamId, codec.encode(r), r.getStartTimeMs());
        }
    }

    private List<IndexedSegment> indexed(String streamId) {
        List<IndexedSegment> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it =
                segments.range(SegmentKeys.first(streamId), SegmentKeys.last(streamId))) {
            it.forEachRemaining(kv -> out.add(values.decode(kv.value)));
        }
        return out;
    }

    private long nowMs = T0;

    private void advanceTo(long msAfterT0) {
        driver.advanceWallClockTime(Duration.ofMillis(T0 + msAfterT0 - nowMs));
        nowMs = T0 + msAfterT0;
    }

    private double counter(String name) {
        return metrics.get(name).counter().count();
    }

    @Test
    void deletesWhatEndedBeforeTheRetentionPeriodObjectsFirstThenIndexEntriesAndKeepsOrdinals() {
        periods.set(Map.of("live/a", 30_000L, "live/forever", 0L));
        record("live/a", "s1", T0, 10); // T0 .. T0+20 s, init of s1
        record("live/a", "s2", T0 + 20_000, 10); // T0+20 s .. T0+40 s, init of s2
        record("live/forever", "s9", T0, 10);

        advanceTo(50_000); // cutoff T0+20 s: every s1 segment ended at or before it

        List<IndexedSegment> left = indexed("live/a");
        assertThat(left).hasSize(10);
        assertThat(left.get(0).segment().getStartTimeMs()).isEqualTo(T0 + 20_000);
        assertThat(removed)
                .hasSize(11)
                .contains(
                        "kvr:live/a/2023/11/14/22/s1-0.m4s",
                        "kvr:live/a/2023/11/14/22/s1-18000.m4s",
                        "kvr:live/a/init/s1-0011223344556677.mp4")
                .noneMatch(k -> k.contains("/s2-") || k.contains("forever"));
        StreamState state = StreamState.decode(streams.get("live/a"));
        assertThat(state.firstStartMs()).isEqualTo(T0 + 20_000);
        assertThat(state.segments()).isEqualTo(10);
        assertThat(state.nextOrdinal()).isEqualTo(20);
        assertThat(indexed("live/forever")).hasSize(10);
        assertThat(counter("kvr_indexer_retention_deleted_segments")).isEqualTo(10);
        assertThat(counter("kvr_indexer_retention_deleted_bytes")).isEqualTo(10_000);
        assertThat(counter("kvr_indexer_retention_deleted_inits")).isEqualTo(1);

        // ordinals (HLS media sequence) continue where they were
        record("live/a", "s2", T0 + 40_000, 1);
        assertThat(indexed("live/a").get(10).ordinal()).isEqualTo(20);

        // the next sweep deletes only what expired since (cutoff T0+25 s), nothing twice
        removed.clear();
        advanceTo(50_000 + INTERVAL.toMillis());
        assertThat(removed)
                .containsExactly("kvr:live/a/2023/11/14/22/s2-20000.m4s", "kvr:live/a/2023/11/14/22/s2-22000.m4s");
    }

    @Test
    void anInitStillUsedByARemainingSegmentStays() {
        periods.set(Map.of("live/a", 30_000L));
        record("live/a", "s1", T0, 20); // one session T0 .. T0+40 s
        advanceTo(50_000);
        assertThat(indexed("live/a")).hasSize(10);
        assertThat(removed).hasSize(10).noneMatch(k -> k.contains("/init/"));
    }

    @Test
    void aStreamThatStoppedLongAgoExpiresWholeAndLeavesTheIndex() {
        periods.set(Map.of("live/old", 30_000L));
        record("live/old", "s1", T0, 5);
        advanceTo(3_600_000);
        assertThat(indexed("live/old")).isEmpty();
        assertThat(streams.get("live/old")).isNull();
        assertThat(removed).hasSize(6).contains("kvr:live/old/init/s1-0011223344556677.mp4");
    }

    @Test
    void nothingIsDeletedWhileTheRetentionPeriodIsUnknownOrStorageFails() {
        record("live/a", "s1", T0, 5);
        advanceTo(100_000);
        assertThat(indexed("live/a")).as("policies not yet known").hasSize(5);

        periods.set(Map.of("live/a", 30_000L));
        storageDown.set(true);
        advanceTo(100_000 + INTERVAL.toMillis());
        assertThat(indexed("live/a"))
                .as("storage down: index entries stay for the next sweep")
                .hasSize(5);
        assertThat(counter("kvr_indexer_retention_failures")).isEqualTo(1);

        storageDown.set(false);
        advanceTo(100_000 + 2 * INTERVAL.toMillis());
        assertThat(indexed("live/a")).isEmpty();
        assertThat(removed).hasSize(6);
    }
}
