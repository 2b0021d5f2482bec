package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.index.IndexedSegment;
import io.kvr.schemas.SegmentRecord;
import io.kvr.testsupport.JsonValues;
import io.kvr.testsupport.TestCamera;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An object-storage outage: a camera (H.264 + AAC) is recorded while the S3 server is stopped for
 * {@link #OUTAGE} and started again on the same port and data directory. The segmenter keeps retrying with
 * backoff while the access units wait in Kafka; afterwards the recordings API shows one continuous span over the
 * outage (no gap), and every published unit is in exactly one segment.
 */
class ObjectStorageOutageIT {
    private static final Logger log = LoggerFactory.getLogger(ObjectStorageOutageIT.class);
    private static final List<String> STREAMS = List.of("outage/front");
    private static final Duration OUTAGE = Duration.ofSeconds(60);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path data;

    TestCamera camera;
    RecordingRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
        if (camera != null) {
            camera.close();
        }
    }

    @Test
    void aMinuteWithoutObjectStorageLeavesNoGapInTheIndex() throws Exception {
        camera = TestCamera.start();
        rig = RecordingRig.start(data, 1);
        rig.startSegmenter();
        Map<String, String> cameras = new LinkedHashMap<>();
        STREAMS.forEach(s -> cameras.put(s, camera.url(TestCamera.H264_AAC)));
        rig.startBridge(cameras);
        awaitSegments(s -> s.size() >= 4, Duration.ofSeconds(60), "first segments");

        long outageStart = System.currentTimeMillis();
        rig.stopS3();
        Thread.sleep(OUTAGE.toMillis());
        Map<String, Integer> duringOutage = new HashMap<>();
        STREAMS.forEach(s -> duringOutage.put(s, segments(s).size()));
        rig.startS3();
        long outageEnd = System.currentTimeMillis();
        log.info("S3 was down for {} ms; segments indexed when it returned: {}", outageEnd - outageStart, duringOutage);

        // it catches up: segments captured after the outage appear (capture times may trail the wall clock on a
        // busy machine, whose camera falls behind real time)
        awaitSegments(
                s -> !s.isEmpty() && s.get(s.size() - 1).getEndTimeMs() > outageEnd + 2_000,
                Duration.ofSeconds(120),
                "segments after the outage");
        for (String stream : STREAMS) {
            // from a few seconds before the outage (not before the first segment) to the newest segment's end
            List<SegmentRecord> indexed = segments(stream);
            long from = Math.max(outageStart - 5_000, indexed.get(0).getStartTimeMs());
            Map<?, ?> listing = JsonValues.parseObject(
                    get(rig.edgeUrl() + "/v1/streams/" + stream + "/recordings?start_time=" + from + "&end_time="
                            + indexed.get(indexed.size() - 1).getEndTimeMs()));
            log.info("{}: {}", stream, listing);
            assertThat((List<?>) listing.get("gaps"))
                    .as("gaps of %s around the outage", stream)
                    .isEmpty();
            assertThat((List<?>) listing.get("spans"))
                    .as("spans of %s around the outage", stream)
                    .hasSize(1);
        }

        rig.stopBridge();
        Map<String, List<SegmentCoverage.Unit>> published =
                SegmentCoverage.published(rig.kafkaBootstrap(), "kvr.media.v1");
        Map<String, SegmentCoverage.Report> reports = new HashMap<>();
        await("every unit in exactly one segment")
                .atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ofSeconds(2))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    for (String s : STREAMS) {
                        reports.put(s, SegmentCoverage.check(s, published.get(s), segments(s)));
                    }
                    reports.values()
                            .forEach(r -> assertThat(r.problems()).as("%s", r).isEmpty());
                });
        for (String s : STREAMS) {
            log.info("{}", reports.get(s));
            assertThat(reports.get(s).problems()).as("%s", reports.get(s)).isEmpty();
        }
    }

    private void awaitSegments(java.util.function.Predicate<List<SegmentRecord>> done, Duration timeout, String what) {
        await(what)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> STREAMS.stream().allMatch(s -> done.test(segments(s))));
    }

    private List<SegmentRecord> segments(String stream) {
        return rig.index().latest(stream, 100_000).stream()
                .map(IndexedSegment::segment)
                .toList();
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return r.body();
    }
}
