package io.kvr.indexer.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.embedded.kafka.EmbeddedKafka;
import io.kvr.http.HttpService;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.index.HttpSegmentIndex;
import io.kvr.index.IndexUnavailableException;
import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.index.StreamSummary;
import io.kvr.indexer.Indexer;
import io.kvr.indexer.IndexerConfig;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.runtime.metrics.Metrics;
import io.kvr.schemas.SegmentRecord;
import io.kvr.testsupport.FreePort;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interactive queries with routing: two indexer instances of one Kafka Streams application (one
 * JVM, separate state directories and HTTP ports, {@code application.server} set) share the six partitions of the
 * segments topic. Whichever instance is asked, directly or over HTTP as the edge asks, the answer for every
 * stream is the same, although each instance holds only some of the streams. When one instance stops, its
 * streams move to the other and are never reported unknown meanwhile.
 */
class IndexRoutingIT {
    private static final int STREAMS = 12;
    private static final int SEGMENTS = 5;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path data;

    EmbeddedKafka kafka;
    final List<Indexer> indexers = new ArrayList<>();
    final List<HttpService> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(HttpService::close);
        indexers.forEach(Indexer::close);
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aQueryAgainstEitherInstanceAnswersForEveryStream() throws Exception {
        kafka = EmbeddedKafka.start(EmbeddedKafka.Config.of(data.resolve("kafka")));
        for (int i = 0; i < 2; i++) {
            int port = FreePort.pick();
            Map<String, String> s = new LinkedHashMap<>();
            s.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            s.put("topics.replication.factor", "1");
            // a stopped instance's partitions move after this (the broker's minimum is 6 s)
            s.put("kafka.session.timeout.ms", "6000");
            s.put("kafka.heartbeat.interval.ms", "1000");
            s.put("indexer.state.dir", data.resolve("indexer-" + i).toString());
            s.put("http.port", Integer.toString(port));
            s.put("indexer.application.server", "127.0.0.1:" + port);
            Indexer indexer = Indexer.start(IndexerConfig.from(Settings.of(s)), Metrics.prometheus("indexer" + i));
            indexers.add(indexer);
            servers.add(
                    HttpService.start("127.0.0.1", port, new Router(AccessControl.open()).include(indexer.routes())));
        }
        for (Indexer indexer : indexers) {
            assertThat(indexer.awaitRunning(Duration.ofSeconds(60))).isTrue();
        }
        List<String> streamIds = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            streamIds.add("site" + i % 3 + "/cam" + i);
        }
        announce(streamIds);

        // both instances hold some streams, together all of them
        List<Set<String>> held = await("both instances hold streams, together all")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> {
                            List<Set<String>> now = new ArrayList<>();
                            for (Indexer indexer : indexers) {
                                now.add(heldLocally(indexer, streamIds));
                            }
                            return now;
                        },
                        now -> !now.get(0).isEmpty()
                                && !now.get(1).isEmpty()
                                && union(now).size() >= STREAMS);
        assertThat(held.get(0)).as("streams of instance 0").isNotEmpty();
        assertThat(held.get(1)).as("streams of instance 1").isNotEmpty().doesNotContainAnyElementsOf(held.get(0));
        assertThat(union(held)).containsExactlyInAnyOrderElementsOf(streamIds);

        List<SegmentIndex> askers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            askers.add(indexers.get(i).index());
            askers.add(new HttpSegmentIndex(URI.create(servers.get(i).baseUrl() + "/")));
        }
        for (String stream : streamIds) {
            Indexer owner = held.get(0).contains(stream) ? indexers.get(0) : indexers.get(1);
            List<IndexedSegment> all = owner.localIndex().latest(stream, 100);
            assertThat(all).as("segments of %s at its owner", stream).hasSize(SEGMENTS);
            List<IndexedSegment> middle = owner.localIndex().range(stream, T0 + 2_500, T0 + 6_500);
            assertThat(middle).hasSize(3);
            for (SegmentIndex index : askers) {
                assertThat(index.latest(stream, 100))
                        .as("%s asked %s", stream, index)
                        .isEqualTo(all);
                assertThat(index.latest(stream, 2)).isEqualTo(all.subList(SEGMENTS - 2, SEGMENTS));
                assertThat(index.range(stream, T0 + 2_500, T0 + 6_500)).isEqualTo(middle);
            }
        }
        List<StreamSummary> summaries = askers.get(0).streams();
        assertThat(summaries).extracting(StreamSummary::streamId).containsExactlyInAnyOrderElementsOf(streamIds);
        assertThat(summaries).allSatisfy(s -> assertThat(s.segments()).isEqualTo(SEGMENTS));
        for (SegmentIndex index : askers) {
            assertThat(index.streams()).as("streams asked %s", index).isEqualTo(summaries);
        }
        assertThat(askers.get(0).latest("site0/nosuch", 10)).isEmpty();

        // the second instance stops: while its streams move to the first, which restores them, a stream being
        // moved is unavailable for now (an exporter answers 503, a client asks again), never unknown (a 404)
        servers.remove(1).close();
        indexers.remove(1).close();
        SegmentIndex survivor = indexers.get(0).index();
        await("the stopped instance's streams served by the other")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    boolean all = true;
                    for (String stream : held.get(1)) {
                        try {
                            assertThat(survivor.summary(stream))
                                    .as("%s while it moves", stream)
                                    .isPresent();
                        } catch (IndexUnavailableException e) {
                            all = false;
                        }
                    }
                    return all;
                });
        for (String stream : held.get(1)) {
            assertThat(survivor.latest(stream, 100))
                    .as("%s after it moved", stream)
                    .hasSize(SEGMENTS);
        }
    }

    private static Set<String> heldLocally(Indexer indexer, List<String> streamIds) {
        Set<String> out = new HashSet<>();
        for (String s : streamIds) {
            try {
                if (!indexer.localIndex().latest(s, 1).isEmpty()) {
                    out.add(s);
                }
            } catch (IndexUnavailableException e) {
                // its partition is served by the other instance, or this one is rebalancing
            }
        }
        return out;
    }

    private static Set<String> union(List<Set<String>> sets) {
        Set<String> out = new HashSet<>();
        sets.forEach(out::addAll);
        return out;
    }

    /** Announces {@value #SEGMENTS} contiguous 2 s segments per stream, keyed by stream id as the segmenter does. */
    private void announce(List<String> streamIds) throws Exception {
        AvroCodec<SegmentRecord> codec = new AvroCodec<>(SegmentRecord.class);
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (String stream : streamIds) {
                for (int n = 0; n < SEGMENTS; n++) {
                    SegmentRecord r = segment(stream, T0 + n * 2_000L, n * 50L);
                    producer.send(new ProducerRecord<>(
                                    "kvr.segments.v1", null, r.getStartTimeMs(), stream, codec.encode(r)))
                            .get();
                }
            }
        }
    }

    private static SegmentRecord segment(String streamId, long startMs, long sequence) {
        String session = "0190f1e2-0000-7000-8000-000000000001";
        return SegmentRecord.newBuilder()
                .setStreamId(streamId)
                .setIngestSessionId(session)
                .setSequence(sequence)
                .setStartTimeMs(startMs)
                .setEndTimeMs(startMs + 2000)
                .setDurationMs(2000)
                .setMediaStartTime(sequence * 3600)
                .setMediaDuration(180_000)
                .setTimescale(90_000)
                .setByteSize(1000)
                .setBucket("kvr")
                .setObjectKey(streamId + "/2023/11/14/22/" + session + "-" + sequence + ".m4s")
                .setInitKey(streamId + "/init/" + session + "-0011223344556677.mp4")
                .setCodecs("avc1.64001f")
                .setWidth(640)
                .setHeight(360)
                .setMoofOffset(24)
                .setMoofSize(100)
                .setMdatOffset(124)
                .setMdatSize(876)
                .setTracks(List.of())
                .setSourcePartition(0)
                .setFirstOffset(sequence)
                .setLastOffset(sequence + 49)
                .setAnnouncedAtMs(startMs + 2100)
                .build();
    }
}
