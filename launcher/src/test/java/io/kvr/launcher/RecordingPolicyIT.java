package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.index.IndexedSegment;
import io.kvr.index.Timeline;
import io.kvr.schemas.SegmentRecord;
import io.kvr.testsupport.JsonValues;
import io.kvr.testsupport.TestCamera;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recording policies, through the one-process kvr and its HTTP API, with two streams of application
 * {@value #APP} from one GStreamer camera (1 s keyframe interval): the application's policy switches recording
 * off, which stops {@value #OFF} within one segment duration and shows as a gap "recording disabled" in the
 * recordings API until recording is switched on again; {@value #KEPT}'s stream override keeps it recording, with
 * 4 s segments under another storage prefix, still served by the edge.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecordingPolicyIT {
    private static final Logger log = LoggerFactory.getLogger(RecordingPolicyIT.class);
    private static final String APP = "pol";
    private static final String OFF = APP + "/a";
    private static final String KEPT = APP + "/b";
    private static final long SEGMENT_MS = 2000;
    private static final long KEYFRAME_MS = 1000;
    /** Delivery from camera to segmenter and the camera's clock against ours. */
    private static final long TOLERANCE_MS = 1000;

    private static final String KEPT_OVERRIDE =
            "\"streams\": {\"b\": {\"recording\": true, \"segment_duration_ms\": 4000, \"storage_prefix\": \"archive/site-a\"}}";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path data;

    static TestCamera camera;
    static KvrServer kvr;
    static long offAt;
    static SegmentRecord lastBeforeOff;

    @BeforeAll
    static void start() {
        camera = TestCamera.start();
        Map<String, String> cameras = new LinkedHashMap<>();
        cameras.put(OFF, camera.url(TestCamera.H264));
        cameras.put(KEPT, camera.url(TestCamera.H264));
        kvr = KvrServer.start(
                KvrOptions.parse(new String[] {
                    "run", "--data", data.toString(), "--http", "127.0.0.1:0", "--kafka-port", "0", "--s3-port", "0"
                }),
                cameras);
    }

    @AfterAll
    static void stop() {
        if (kvr != null) {
            kvr.close();
        }
        if (camera != null) {
            camera.close();
        }
    }

    @Test
    @Order(1)
    void thePolicyApiAnswersDefaultsAndRefusesBadPolicies() throws Exception {
        assertThat(send("GET", "/v1/policies", null).body()).isEqualTo("[]");
        Map<String, Object> defaults =
                JsonValues.parseObject(send("GET", "/v1/policies/" + APP, null).body());
        assertThat(defaults)
                .containsEntry("app", APP)
                .containsEntry("stored", false)
                .containsEntry("recording", null);
        assertThat(defaults.get("effective"))
                .isEqualTo(Map.of(
                        "recording", true, "segment_duration_ms", 2000L, "retention_ms", 0L, "storage_prefix", ""));

        for (var bad : Map.of(
                        "{\"recording\": ", "not valid JSON",
                        "{\"segment_duration_ms\": 20000}", "segment_duration_ms: 20000 is outside 1000..10000",
                        "{\"retention_ms\": 1000}", "retention_ms",
                        "{\"recordng\": false}", "unknown field 'recordng'",
                        "{\"streams\": {\"b\": {\"storage_prefix\": \"../x\"}}}", "streams.b.storage_prefix")
                .entrySet()) {
            HttpResponse<String> r = send("PUT", "/v1/policies/" + APP, bad.getKey());
            assertThat(r.statusCode()).as(bad.getKey()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(String.valueOf(JsonValues.parseObject(r.body()).get("error")))
                    .as(bad.getKey())
                    .contains(bad.getValue());
        }
        assertThat(send("GET", "/v1/policies", null).body())
                .as("nothing stored by bad requests")
                .isEqualTo("[]");
    }

    @Test
    @Order(2)
    void recordingOffStopsNewSegmentsWithinOneSegmentDurationAndShowsAGapRecordingDisabled() throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> segments(OFF).size() >= 3 && segments(KEPT).size() >= 3);

        HttpResponse<String> put = send("PUT", "/v1/policies/" + APP, "{\"recording\": false, " + KEPT_OVERRIDE + "}");
        offAt = System.currentTimeMillis();
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(JsonValues.parseObject(put.body()))
                .containsEntry("recording", false)
                .containsEntry("stored", true);

        // the open segment closes at its normal cut, marked as the last one; then nothing more
        lastBeforeOff = await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> last(OFF), s -> s.getRecordingStopReason() != null);
        // capture times follow the camera's clock; when the segmenter announced it is ours
        log.info(
                "recording off at {}; last segment announced {} ms after",
                offAt,
                lastBeforeOff.getAnnouncedAtMs() - offAt);
        assertThat(lastBeforeOff.getRecordingStopReason()).isEqualTo(Timeline.RECORDING_DISABLED);
        assertThat(lastBeforeOff.getAnnouncedAtMs())
                .as("last segment stored within one segment duration of switching off")
                .isLessThanOrEqualTo(offAt + SEGMENT_MS + TOLERANCE_MS);
        int count = segments(OFF).size();
        await().during(Duration.ofSeconds(6))
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> segments(OFF).size() == count);

        // the recordings API: the time since is a gap "recording disabled"
        Map<String, Object> listing =
                recordings(OFF, segments(OFF).get(0).getStartTimeMs(), System.currentTimeMillis());
        Map<String, Object> tail = gaps(listing).get(gaps(listing).size() - 1);
        assertThat(tail)
                .containsEntry("reason", "recording disabled")
                .containsEntry("start", lastBeforeOff.getEndTimeMs());

        // the stream override keeps b recording, with 4 s segments under archive/site-a/
        SegmentRecord moved = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> segments(KEPT).stream()
                                .filter(s -> s.getStartTimeMs() > offAt + TOLERANCE_MS)
                                .findFirst()
                                .orElse(null),
                        s -> s != null);
        assertThat(moved.getObjectKey()).startsWith("archive/site-a/" + KEPT + "/");
        assertThat(moved.getInitKey()).startsWith("archive/site-a/" + KEPT + "/init/");
        assertThat(moved.getDurationMs()).isBetween(3900L, 4100L);
        assertThat(moved.getRecordingStopReason()).isNull();

        // ... and the edge serves it: the live playlist names its storage prefix
        String playlist = send("GET", "/" + KEPT + "/index.m3u8", null).body();
        String uri =
                moved.getObjectKey().substring(("archive/site-a/" + KEPT + "/").length()) + "?prefix=archive%2Fsite-a";
        assertThat(playlist).contains(uri);
        HttpResponse<byte[]> segment = HTTP.send(
                HttpRequest.newBuilder(URI.create(kvr.baseUrl() + "/" + KEPT + "/" + uri))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(segment.statusCode()).isEqualTo(200);
        assertThat(segment.body()).hasSize((int) moved.getByteSize());
        String init =
                moved.getInitKey().substring(("archive/site-a/" + KEPT + "/").length()) + "?prefix=archive%2Fsite-a";
        assertThat(playlist).contains("#EXT-X-MAP:URI=\"" + init + "\"");
        assertThat(send("GET", "/" + KEPT + "/" + init, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/" + KEPT + "/" + uri.replace("archive%2Fsite-a", "..%2Fx"), null)
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    @Order(3)
    void turningRecordingOnResumesAndTheGapStaysInTheRecordingsApi() throws Exception {
        HttpResponse<String> put = send("PUT", "/v1/policies/" + APP, "{\"recording\": true, " + KEPT_OVERRIDE + "}");
        long onAt = System.currentTimeMillis();
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        SegmentRecord resumed = await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> last(OFF), s -> s.getStartTimeMs() > lastBeforeOff.getEndTimeMs());
        log.info("recording on at {}; first segment announced {} ms after", onAt, resumed.getAnnouncedAtMs() - onAt);
        assertThat(resumed.getAnnouncedAtMs())
                .as("resumes at the next keyframe (1 s apart): first segment stored")
                .isLessThanOrEqualTo(onAt + KEYFRAME_MS + SEGMENT_MS + TOLERANCE_MS);
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> segments(OFF).stream()
                                .filter(s -> s.getStartTimeMs() >= resumed.getStartTimeMs())
                                .count()
                        >= 2);

        List<SegmentRecord> all = segments(OFF);
        Map<String, Object> listing = recordings(
                OFF, all.get(0).getStartTimeMs(), all.get(all.size() - 1).getEndTimeMs());
        List<Map<String, Object>> disabled = gaps(listing).stream()
                .filter(g -> "recording disabled".equals(g.get("reason")))
                .toList();
        assertThat(disabled).hasSize(1);
        assertThat(disabled.get(0))
                .containsEntry("start", lastBeforeOff.getEndTimeMs())
                .containsEntry("end", resumed.getStartTimeMs());
        assertThat((Long) disabled.get(0).get("duration")).isGreaterThanOrEqualTo(6000L);
        assertThat(gaps(listing)).as("no other gap").hasSize(1);

        Map<String, Object> stored =
                JsonValues.parseObject(send("GET", "/v1/policies/" + APP, null).body());
        assertThat(stored).containsEntry("recording", true);
        assertThat(((Map<?, ?>) stored.get("streams")).get("b"))
                .isEqualTo(Map.of("recording", true, "segment_duration_ms", 4000L, "storage_prefix", "archive/site-a"));
    }

    private static List<SegmentRecord> segments(String stream) {
        try {
            return kvr.index().latest(stream, 1_000).stream()
                    .map(IndexedSegment::segment)
                    .toList();
        } catch (RuntimeException e) {
            return List.of(); // the index is restoring
        }
    }

    private static SegmentRecord last(String stream) {
        List<SegmentRecord> s = segments(stream);
        return s.isEmpty() ? null : s.get(s.size() - 1);
    }

    private static Map<String, Object> recordings(String stream, long start, long end) throws Exception {
        HttpResponse<String> r =
                send("GET", "/v1/streams/" + stream + "/recordings?start_time=" + start + "&end_time=" + end, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonValues.parseObject(r.body());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> gaps(Map<String, Object> listing) {
        return (List<Map<String, Object>>) listing.get("gaps");
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(kvr.baseUrl() + path)).timeout(Duration.ofSeconds(20));
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
