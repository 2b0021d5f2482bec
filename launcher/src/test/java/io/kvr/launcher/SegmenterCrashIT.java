package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.index.IndexedSegment;
import io.kvr.schemas.Codec;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.SegmentTrack;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.FreePort;
import io.kvr.testsupport.JsonValues;
import io.kvr.testsupport.TestCamera;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segmenter crashes lose nothing. Two streams of a GStreamer camera (H.264 + AAC) are recorded for two minutes
 * while the segmenter, alone in its own JVM, is killed with SIGKILL at random moments at least ten times and started
 * again each time. Broker, S3, bridge and indexer run in this JVM. Both streams share one media partition, so the
 * resume points of a stream further along than the committed offset are exercised too. Afterwards every access
 * unit the bridge published is a sample of exactly one indexed segment, no segment overlaps another, every object
 * in the bucket is an indexed segment or its init, and every segment (with its init) passes ffprobe with as many
 * packets as the index says.
 */
class SegmenterCrashIT {
    private static final Logger log = LoggerFactory.getLogger(SegmenterCrashIT.class);
    /** Both of one mount: one encoder, so a busy machine's camera keeps real time. */
    private static final List<String> STREAMS = List.of("crash/front", "crash/back");

    private static final Duration RECORD = Duration.ofMinutes(2);
    private static final int MIN_KILLS = 10;
    /** Longest wait after a kill before the next one, once the new segmenter is up. */
    private static final long MAX_LIFE_MS = 8_000;
    /** Copies of objects ffprobe rejected; outside the temporary directory, so a failed run leaves them behind. */
    private static final Path REJECTED =
            Path.of("target", "SegmenterCrashIT-rejected").toAbsolutePath();

    @TempDir
    Path data;

    TestCamera camera;
    RecordingRig rig;
    AppProcess segmenter;

    @AfterEach
    void stop() throws Exception {
        if (segmenter != null) {
            segmenter.close();
        }
        if (rig != null) {
            rig.close();
        }
        if (camera != null) {
            camera.close();
        }
    }

    @Test
    void everyPublishedUnitIsInExactlyOneSegmentAfterTenKillsOfTheSegmenter() throws Exception {
        camera = TestCamera.start();
        rig = RecordingRig.start(data, 1);
        Map<String, String> settings = new LinkedHashMap<>(rig.settings());
        // static membership: a restarted segmenter takes its partitions back at once instead of waiting out the
        // dead member's session (as a StatefulSet pod would)
        settings.put("kafka.group.instance.id", "crash-segmenter-0");
        // outside the temporary directory, so it outlives a failed run
        Path segmenterLog = Path.of("target", "SegmenterCrashIT-segmenter.log").toAbsolutePath();
        Files.deleteIfExists(segmenterLog);
        if (Files.isDirectory(REJECTED)) {
            try (Stream<Path> stale = Files.walk(REJECTED)) {
                for (Path p : stale.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        int port = FreePort.pick();
        segmenter = AppProcess.start(io.kvr.segmenter.SegmenterMain.class, settings, port, segmenterLog);
        awaitHealthy();

        Map<String, String> cameras = new LinkedHashMap<>();
        STREAMS.forEach(s -> cameras.put(s, camera.url(TestCamera.H264_AAC)));
        rig.startBridge(cameras);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        log.info("killing the segmenter at random moments, seed {}", seed);
        long started = System.nanoTime();
        int kills = 0;
        while (System.nanoTime() - started < RECORD.toNanos() || kills < MIN_KILLS) {
            Thread.sleep(random.nextLong(200, MAX_LIFE_MS));
            segmenter.kill();
            kills++;
            log.info("kill {} of the segmenter at {} s", kills, (System.nanoTime() - started) / 1_000_000_000.0);
            segmenter = AppProcess.start(io.kvr.segmenter.SegmenterMain.class, settings, port, segmenterLog);
            awaitHealthy();
        }
        rig.stopBridge();
        log.info("recorded {} s with {} kills; bridge stopped", (System.nanoTime() - started) / 1_000_000_000L, kills);

        Map<String, List<SegmentCoverage.Unit>> published =
                SegmentCoverage.published(rig.kafkaBootstrap(), "kvr.media.v1");
        assertThat(published.keySet()).containsExactlyInAnyOrderElementsOf(STREAMS);
        // the last segments close once the streams have been quiet for the segmenter's idle limit (6 s)
        Map<String, SegmentCoverage.Report> reports = new HashMap<>();
        await("every unit in exactly one segment")
                .atMost(Duration.ofSeconds(90))
                .pollDelay(Duration.ofSeconds(2))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    for (String s : STREAMS) {
                        reports.put(s, SegmentCoverage.check(s, published.get(s), segments(s)));
                    }
                    reports.values()
                            .forEach(r -> assertThat(r.problems()).as("%s", r).isEmpty());
                });
        reports.values().forEach(r -> log.info("{}", r));
        log.info(
                "{} segment announcements for {} distinct segments (the rest are replays)",
                announcements(),
                STREAMS.stream().mapToInt(s -> segments(s).size()).sum());

        assertThat(kills).isGreaterThanOrEqualTo(MIN_KILLS);
        for (String s : STREAMS) {
            SegmentCoverage.Report r = reports.get(s);
            assertThat(r.problems()).as("%s", r).isEmpty();
            assertThat(r.expectedVideo()).as("video units of %s", s).isGreaterThan(25 * 100);
            assertThat(r.expectedAudio()).as("audio units of %s", s).isGreaterThan(40 * 100);
            assertThat(r.segments()).as("segments of %s", s).isGreaterThanOrEqualTo(50);
        }
        everyObjectIsAnIndexedSegmentThatFfprobeReads();
    }

    private void everyObjectIsAnIndexedSegmentThatFfprobeReads() throws Exception {
        Map<String, SegmentRecord> byKey = new HashMap<>();
        STREAMS.forEach(s -> segments(s).forEach(r -> byKey.put(r.getObjectKey(), r)));
        List<String> segmentObjects;
        try (Stream<Path> files = Files.walk(rig.bucketDir())) {
            segmentObjects = files.filter(Files::isRegularFile)
                    .map(f -> rig.bucketDir().relativize(f).toString())
                    .filter(k -> k.endsWith(".m4s"))
                    .sorted()
                    .toList();
        }
        assertThat(segmentObjects)
                .as("segment objects in the bucket")
                .containsExactlyInAnyOrderElementsOf(byKey.keySet());
        List<String> failures = new ArrayList<>();
        Path joined = data.resolve("probe.mp4");
        StoredSegmentDiagnosis diagnosis = new StoredSegmentDiagnosis(rig.bucketDir(), REJECTED);
        for (String key : segmentObjects) {
            SegmentRecord r = byKey.get(key);
            byte[] bytes = Files.readAllBytes(rig.bucketDir().resolve(key));
            if (bytes.length != r.getByteSize()) {
                failures.add(key + ": " + bytes.length + " bytes stored, " + r.getByteSize() + " indexed");
                continue;
            }
            byte[] init = Files.readAllBytes(rig.bucketDir().resolve(r.getInitKey()));
            var probe = probe(joined, init, bytes);
            if (!probe.ok() || !probe.stderr().isBlank()) {
                // probed again a moment later: a passing second probe means the objects were caught mid-change
                Thread.sleep(2_000);
                var again = probe(joined, Files.readAllBytes(rig.bucketDir().resolve(r.getInitKey())), bytes);
                failures.add(key + ": " + probe.describe() + "\n  probed again 2 s later: "
                        + (again.ok() && again.stderr().isBlank()
                                ? "readable"
                                : again.stderr().strip())
                        + diagnosis.describe(r, init, bytes, segments(r.getStreamId())));
                continue;
            }
            Map<String, Long> packets = new HashMap<>();
            for (Object o : (List<?>) JsonValues.parseObject(probe.stdout()).get("streams")) {
                Map<?, ?> stream = (Map<?, ?>) o;
                Object count = stream.get("nb_read_packets");
                // a stream ffprobe could not count is a finding, reported with the probe's output
                packets.put(
                        String.valueOf(stream.get("codec_name")),
                        count == null ? -1L : Long.parseLong(String.valueOf(count)));
            }
            if (packets.containsValue(-1L)) {
                failures.add(key + ": ffprobe did not count every stream: "
                        + probe.stdout().replaceAll("\\s+", " "));
                continue;
            }
            Map<String, Long> indexed = new HashMap<>();
            for (SegmentTrack t : r.getTracks()) {
                indexed.put(t.getCodec() == Codec.AAC ? "aac" : t.getCodec() == Codec.H265 ? "hevc" : "h264", (long)
                        t.getSampleSizes().size());
            }
            if (!packets.equals(indexed)) {
                failures.add(key + ": ffprobe counts " + packets + ", index " + indexed);
            }
        }
        assertThat(failures).as("segments ffprobe rejects or miscounts").isEmpty();
    }

    /** ffprobe of {@code init} followed by {@code segment}, written to {@code joined}, counting packets. */
    private static FFmpegTools.Result probe(Path joined, byte[] init, byte[] segment) throws Exception {
        try (OutputStream out = Files.newOutputStream(joined)) {
            out.write(init);
            out.write(segment);
        }
        return FFmpegTools.ffprobe(
                Duration.ofSeconds(30),
                "-v",
                "error",
                "-count_packets",
                "-show_entries",
                "stream=codec_name,nb_read_packets",
                "-of",
                "json",
                joined.toString());
    }

    private void awaitHealthy() {
        await("segmenter up; see target/SegmenterCrashIT-segmenter.log")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .failFast("segmenter died; see target/SegmenterCrashIT-segmenter.log", () -> !segmenter.alive())
                .until(segmenter::healthy);
    }

    private List<SegmentRecord> segments(String stream) {
        return rig.index().latest(stream, 100_000).stream()
                .map(IndexedSegment::segment)
                .toList();
    }

    /** Records on the segments topic: announcements, including repeats after replays. */
    private long announcements() {
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of("bootstrap.servers", rig.kafkaBootstrap()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor("kvr.segments.v1").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            return consumer.endOffsets(tps).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }
}
