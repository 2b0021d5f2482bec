package io.kvr.indexer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.index.IndexedSegment;
import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.schemas.SegmentRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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

class IndexTopologyTest {
    private static final String TOPIC = "test.segments.v1";
    private static final long T0 = 1_700_000_000_000L;

    private final AvroCodec<SegmentRecord> codec = new AvroCodec<>(SegmentRecord.class);
    private final IndexedValue values = new IndexedValue();

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> input;
    private KeyValueStore<Bytes, byte[]> segments;
    private KeyValueStore<String, byte[]> streams;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "indexer-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(IndexTopology.build(TOPIC), props);
        input = driver.createInputTopic(TOPIC, new StringSerializer(), new ByteArraySerializer());
        segments = driver.getKeyValueStore(IndexTopology.SEGMENTS_STORE);
        streams = driver.getKeyValueStore(IndexTopology.STREAMS_STORE);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static SegmentRecord segment(String streamId, String session, long startMs, long sequence) {
        return SegmentRecord.newBuilder()
                .setStreamId(streamId)
                .setIngestSessionId(session)
                .setSequence(sequence)
                .setStartTimeMs(startMs)
                .setEndTimeMs(startMs + 2000)
                .setDurationMs(2000)
                .setMediaStartTime(0)
                .setMediaDuration(180_000)
                .setTimescale(90_000)
                .setByteSize(1000)
                .setBucket("kvr")
                .setObjectKey(streamId + "/2023/11/14/22/" + session + "-" + sequence + ".m4s")
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

    private void announce(SegmentRecord r) {
        input.pipeInput(r.getStreamId().toString(), codec.encode(r), r.getStartTimeMs());
    }

    private List<IndexedSegment> indexed(String streamId) {
        List<IndexedSegment> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it =
                segments.range(SegmentKeys.first(streamId), SegmentKeys.last(streamId))) {
            it.forEachRemaining(kv -> out.add(values.decode(kv.value)));
        }
        return out;
    }

    private StreamState state(String streamId) {
        return StreamState.decode(streams.get(streamId));
    }

    @Test
    void segmentsGetOrdinalsFromZeroInArrivalOrder() {
        for (int i = 0; i < 5; i++) {
            announce(segment("live/door", "s1", T0 + i * 2000L, i * 50L));
        }

        List<IndexedSegment> door = indexed("live/door");

        assertThat(door).extracting(IndexedSegment::ordinal).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(door).extracting(IndexedSegment::discontinuities).containsOnly(0L);
        assertThat(door).extracting(s -> s.segment().getSequence()).containsExactly(0L, 50L, 100L, 150L, 200L);
        assertThat(door.get(2).segment()).isEqualTo(segment("live/door", "s1", T0 + 4000, 100));
    }

    @Test
    void repeatedAnnouncementsAreIgnored() {
        SegmentRecord first = segment("live/door", "s1", T0, 0);
        SegmentRecord second = segment("live/door", "s1", T0 + 2000, 50);
        announce(first);
        announce(second);
        announce(first);
        SegmentRecord replayed =
                SegmentRecord.newBuilder(second).setAnnouncedAtMs(T0 + 99_000).build();
        announce(replayed);
        announce(segment("live/door", "s1", T0 + 4000, 100));

        assertThat(indexed("live/door")).extracting(IndexedSegment::ordinal).containsExactly(0L, 1L, 2L);
        assertThat(indexed("live/door").get(1).segment().getAnnouncedAtMs()).isZero();
        assertThat(state("live/door").segments()).isEqualTo(3);
    }

    @Test
    void everyChangeOfInitSegmentCountsAsADiscontinuity() {
        announce(segment("live/door", "s1", T0, 0));
        announce(segment("live/door", "s1", T0 + 2000, 50));
        announce(segment("live/door", "s2", T0 + 10_000, 0));
        announce(segment("live/door", "s2", T0 + 12_000, 50));
        announce(segment("live/door", "s3", T0 + 20_000, 0));
        announce(segment("live/door", "s1", T0 + 22_000, 0)); // back to an earlier configuration is a change too

        assertThat(indexed("live/door"))
                .extracting(IndexedSegment::discontinuities)
                .containsExactly(0L, 0L, 1L, 1L, 2L, 3L);
        assertThat(state("live/door").discontinuities()).isEqualTo(3);
    }

    @Test
    void streamsStoreSummarisesEachStream() {
        announce(segment("live/door", "s1", T0, 0));
        announce(segment("live/door", "s2", T0 + 10_000, 0));
        SegmentRecord hd = SegmentRecord.newBuilder(segment("live/door", "s3", T0 + 20_000, 7))
                .setCodecs("avc1.640028,mp4a.40.2")
                .setWidth(1920)
                .setHeight(1080)
                .build();
        announce(hd);
        announce(segment("live/yard", "y1", T0 + 5000, 0));

        assertThat(state("live/door"))
                .isEqualTo(new StreamState(
                        T0,
                        T0 + 22_000,
                        3,
                        2,
                        "live/door/init/s3-0011223344556677.mp4",
                        "s3",
                        "avc1.640028,mp4a.40.2",
                        1920,
                        1080));
        assertThat(state("live/yard"))
                .isEqualTo(new StreamState(
                        T0 + 5000,
                        T0 + 7000,
                        1,
                        0,
                        "live/yard/init/y1-0011223344556677.mp4",
                        "y1",
                        "avc1.42c01e",
                        640,
                        360));
        assertThat(streams.approximateNumEntries()).isEqualTo(2);
    }

    @Test
    void lateSegmentWithAnEarlierStartWidensTheRangeAndSortsByTime() {
        announce(segment("live/door", "s1", T0 + 4000, 100));
        announce(segment("live/door", "s1", T0, 0));

        assertThat(state("live/door").firstStartMs()).isEqualTo(T0);
        assertThat(state("live/door").lastEndMs()).isEqualTo(T0 + 6000);
        assertThat(indexed("live/door"))
                .extracting(s -> s.segment().getStartTimeMs())
                .containsExactly(T0, T0 + 4000);
    }

    @Test
    void streamsAreIndexedIndependentlyAndRangeScansNeverMixThem() {
        announce(segment("a/b", "s1", T0, 0));
        announce(segment("a/bc", "s1", T0 - 1, 0));
        announce(segment("a/b", "s1", T0 + 2000, 50));
        announce(segment("a/b-", "s1", T0 + 1, 0));
        announce(segment("a/bc", "s1", T0 + 1999, 50));

        assertThat(indexed("a/b")).extracting(s -> s.segment().getStreamId()).containsOnly("a/b");
        assertThat(indexed("a/b")).extracting(IndexedSegment::ordinal).containsExactly(0L, 1L);
        assertThat(indexed("a/bc")).extracting(IndexedSegment::ordinal).containsExactly(0L, 1L);
        assertThat(indexed("a/b-")).extracting(IndexedSegment::ordinal).containsExactly(0L);
        assertThat(indexed("a")).isEmpty();
    }

    @Test
    void undecodableValuesAndTombstonesAreSkipped() {
        announce(segment("live/door", "s1", T0, 0));
        input.pipeInput("live/door", new byte[] {1, 2, 3});
        input.pipeInput("live/door", "{\"json\": true}".getBytes());
        input.pipeInput("live/door", (byte[]) null);
        announce(segment("live/door", "s1", T0 + 2000, 50));

        assertThat(indexed("live/door")).extracting(IndexedSegment::ordinal).containsExactly(0L, 1L);
    }
}
