package io.kvr.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.http.HttpError;
import io.kvr.http.HttpService;
import io.kvr.http.Millis;
import io.kvr.http.Response;
import io.kvr.http.Router;
import io.kvr.http.access.AccessControl;
import io.kvr.http.access.AccessSettings;
import io.kvr.http.access.ApiKeys;
import io.kvr.http.access.Role;
import io.kvr.runtime.config.Settings;
import io.kvr.schemas.SegmentRecord;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code local=1} picks the instance's own index, a bad value is 400, an index that cannot answer now is 503; a
 * range longer than {@code index.query.max.range} is answered in pages, which {@link HttpSegmentIndex} follows.
 */
class IndexRoutesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private HttpService server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static SegmentRecord segment(String key) {
        return SegmentRecord.newBuilder()
                .setStreamId("live/door")
                .setIngestSessionId("s1")
                .setSequence(0)
                .setStartTimeMs(1000)
                .setEndTimeMs(3000)
                .setDurationMs(2000)
                .setMediaStartTime(0)
                .setMediaDuration(180_000)
                .setTimescale(90_000)
                .setByteSize(1000)
                .setBucket("kvr")
                .setObjectKey(key)
                .setInitKey("live/door/init/s1-a.mp4")
                .setCodecs("avc1.42c01e")
                .setMoofOffset(0)
                .setMoofSize(1)
                .setMdatOffset(1)
                .setMdatSize(2)
                .build();
    }

    /** An index that answers every stream with one segment named after itself. */
    private static SegmentIndex named(String name) {
        return new SegmentIndex() {
            @Override
            public List<StreamSummary> streams() {
                return List.of(new StreamSummary(name + "/cam", 0, 1, 1, "avc1", 640, 360, "s1"));
            }

            @Override
            public List<IndexedSegment> latest(String streamId, int limit) {
                return List.of(new IndexedSegment(0, 0, segment(name + ".m4s")));
            }

            @Override
            public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
                return latest(streamId, 1);
            }
        };
    }

    private URI start(SegmentIndex index, SegmentIndex local) {
        server = HttpService.start(
                "127.0.0.1", 0, new Router(AccessControl.open()).include(new IndexRoutes(index, local)));
        return URI.create(server.baseUrl() + "/");
    }

    @Test
    void forwardedQueriesAreAnsweredFromTheLocalIndexOnly() {
        URI base = start(named("routed"), named("local"));
        assertThat(new HttpSegmentIndex(base)
                        .latest("live/door", 1)
                        .get(0)
                        .segment()
                        .getObjectKey())
                .isEqualTo("routed.m4s");
        assertThat(new HttpSegmentIndex(base, true)
                        .latest("live/door", 1)
                        .get(0)
                        .segment()
                        .getObjectKey())
                .isEqualTo("local.m4s");
        assertThat(new HttpSegmentIndex(base, true)
                        .range("live/door", 0, 10)
                        .get(0)
                        .segment()
                        .getObjectKey())
                .isEqualTo("local.m4s");
        assertThat(new HttpSegmentIndex(base).streams())
                .extracting(StreamSummary::streamId)
                .containsExactly("routed/cam");
        assertThat(new HttpSegmentIndex(base, true).streams())
                .extracting(StreamSummary::streamId)
                .containsExactly("local/cam");
    }

    @Test
    void anIndexRequiringAccessAnswersItsOperatorsApiKeyOnlyAndTheirStreams() throws Exception {
        String key = "index-client-key-0123456789";
        AccessSettings open = AccessSettings.off();
        AccessSettings required = new AccessSettings(
                true,
                null,
                null,
                null,
                null,
                null,
                "stream",
                "roles",
                ApiKeys.parse("keys", List.of(key + " operator live/*", "viewer-key-0123456789abc viewer"), p -> {
                    throw new AssertionError(p);
                }),
                open.clockSkew(),
                false);
        server = HttpService.start(
                "127.0.0.1",
                0,
                new Router(new AccessControl(required)).include(new IndexRoutes(named("live"), named("live"))));
        URI base = URI.create(server.baseUrl() + "/");
        assertThatThrownBy(() -> new HttpSegmentIndex(base).latest("live/door", 1))
                .isInstanceOf(IndexUnavailableException.class)
                .hasMessageContaining("401");
        assertThat(new HttpSegmentIndex(base, false, key).latest("live/door", 1))
                .hasSize(1);
        assertThat(new HttpSegmentIndex(base, true, key).streams())
                .extracting(StreamSummary::streamId)
                .containsExactly("live/cam");
        assertThat(new HttpSegmentIndex(base, false, key).summary("live/cam")).isPresent();
        assertThatThrownBy(() -> new HttpSegmentIndex(base, false, key).latest("other/door", 1))
                .isInstanceOf(IndexUnavailableException.class)
                .hasMessageContaining("403");
        assertThatThrownBy(() -> new HttpSegmentIndex(base, false, "viewer-key-0123456789abc").latest("live/door", 1))
                .isInstanceOf(IndexUnavailableException.class)
                .hasMessageContaining("403");
    }

    @Test
    void aBadScopeIs400AndAnUnavailableIndexIs503() throws Exception {
        SegmentIndex unavailable = new SegmentIndex() {
            @Override
            public List<StreamSummary> streams() {
                throw new IndexUnavailableException("rebalancing", null);
            }

            @Override
            public List<IndexedSegment> latest(String streamId, int limit) {
                throw new IndexUnavailableException("rebalancing", null);
            }

            @Override
            public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
                throw new IndexUnavailableException("rebalancing", null);
            }
        };
        URI base = start(unavailable, unavailable);
        assertThat(status(base.resolve("/v1/index/segments/live/door?last=1&local=2")))
                .isEqualTo(400);
        assertThat(status(base.resolve("/v1/index/streams?local=yes"))).isEqualTo(400);
        assertThat(status(base.resolve("/v1/index/segments/live/door?last=1"))).isEqualTo(503);
        assertThat(status(base.resolve("/v1/index/streams?local=1"))).isEqualTo(503);
        assertThatThrownBy(() -> new HttpSegmentIndex(base).latest("live/door", 1))
                .isInstanceOf(IndexUnavailableException.class)
                .hasMessageContaining("503");
    }

    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    private static final long T0 = 1_700_000_000_000L;

    private static SegmentRecord segment(String key, long start, long end) {
        return SegmentRecord.newBuilder(segment(key))
                .setStartTimeMs(start)
                .setEndTimeMs(end)
                .setDurationMs(end - start)
                .build();
    }

    /**
     * 20 days of 5-hour segments of live/door from {@link #T0} (so segments cross 7-day page boundaries), counting
     * the range queries it answers.
     */
    private static final class TwentyDays implements SegmentIndex {
        final List<IndexedSegment> segments = new ArrayList<>();
        final AtomicInteger rangeQueries = new AtomicInteger();

        TwentyDays() {
            for (long t = T0, i = 0; t < T0 + 20 * DAY; t += 5 * HOUR, i++) {
                segments.add(new IndexedSegment(i, 0, segment("live/door/" + i + ".m4s", t, t + 5 * HOUR)));
            }
        }

        @Override
        public List<StreamSummary> streams() {
            return List.of(new StreamSummary("live/door", T0, T0 + 20 * DAY, segments.size(), "avc1", 640, 360, "s1"));
        }

        @Override
        public List<IndexedSegment> latest(String streamId, int limit) {
            return segments.subList(segments.size() - Math.min(limit, segments.size()), segments.size());
        }

        @Override
        public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
            rangeQueries.incrementAndGet();
            return segments.stream()
                    .filter(s ->
                            s.segment().getEndTimeMs() > startMs && s.segment().getStartTimeMs() < endMs)
                    .toList();
        }
    }

    private static List<String> keys(List<IndexedSegment> segments) {
        return segments.stream().map(s -> s.segment().getObjectKey()).toList();
    }

    @Test
    void aRangeLongerThanTheMaximumIsAnsweredForItsFirstSevenDaysWithTheNextStart() throws Exception {
        TwentyDays index = new TwentyDays();
        URI base = start(index, index);
        HttpResponse<byte[]> r = HTTP.send(
                HttpRequest.newBuilder(base.resolve("/v1/index/segments/live/door?start=0&end=" + Millis.LATEST))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue(IndexRoutes.NEXT_START)).hasValue(Long.toString(7 * DAY));
        assertThat(new SegmentListCodec().decode(new ByteArrayInputStream(r.body())))
                .isEmpty();

        HttpResponse<byte[]> second = HTTP.send(
                HttpRequest.newBuilder(
                                base.resolve("/v1/index/segments/live/door?start=" + T0 + "&end=" + (T0 + 20 * DAY)))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(second.headers().firstValue(IndexRoutes.NEXT_START)).hasValue(Long.toString(T0 + 7 * DAY));
        assertThat(keys(new SegmentListCodec().decode(new ByteArrayInputStream(second.body()))))
                .isEqualTo(keys(index.range("live/door", T0, T0 + 7 * DAY)));

        HttpResponse<byte[]> whole = HTTP.send(
                HttpRequest.newBuilder(
                                base.resolve("/v1/index/segments/live/door?start=" + T0 + "&end=" + (T0 + 7 * DAY)))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.headers().firstValue(IndexRoutes.NEXT_START)).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
            strings = {
                "start=0&end=9223372036854775807",
                "start=-9223372036854775808&end=10",
                "start=-1&end=10",
                "start=1e3&end=5000",
                "start=&end=10",
                "start=0x10&end=100",
                "start=5&end=5",
                "start=10&end=5",
                "start=0&end=99999999999999999999999999999999",
                "end=10",
                "start=10",
                "start=%2B5&end=10",
                "start=253402300800000&end=253402300800001",
                "last=0",
                "last=-1",
                "last=1e3",
                "last=9223372036854775807",
                "last=100001"
            })
    void hostileRangesAre400(String query) throws Exception {
        URI base = start(new TwentyDays(), new TwentyDays());
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(base.resolve("/v1/index/segments/live/door?" + query))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("\"error\"");
    }

    @Test
    void theHttpIndexFollowsThePagesAndReturnsTheWholeRangeOnce() {
        TwentyDays index = new TwentyDays();
        URI base = start(index, index);
        HttpSegmentIndex client = new HttpSegmentIndex(base);

        List<IndexedSegment> all = client.range("live/door", T0 - DAY, T0 + 30 * DAY);
        assertThat(keys(all)).isEqualTo(keys(index.segments)).doesNotHaveDuplicates();
        assertThat(index.rangeQueries)
                .as("the first 7 days, then the 20 recorded days from the 7th in pages of 7")
                .hasValue(3);

        // a part starting and ending inside segments, its page boundary inside a segment
        long from = T0 + 3 * DAY + 7 * HOUR;
        long to = T0 + 17 * DAY + 2 * HOUR;
        List<String> expected = keys(index.range("live/door", from, to));
        index.rangeQueries.set(0);
        assertThat(keys(client.range("live/door", from, to))).isEqualTo(expected);
        assertThat(index.rangeQueries).hasValue(2);

        // the wire form of a paged range is the same as the index's own
        byte[] encoded = client.rangeEncoded("live/door", from, to);
        assertThat(encoded).isEqualTo(new SegmentListCodec().encode(index.range("live/door", from, to)));
        // out-of-range arguments of in-process callers are clamped, not sent; the pages cover the recorded time only
        index.rangeQueries.set(0);
        assertThat(keys(client.range("live/door", Long.MIN_VALUE, Long.MAX_VALUE)))
                .isEqualTo(keys(index.segments));
        assertThat(index.rangeQueries)
                .as("1970's first 7 days, then 20 recorded days")
                .hasValue(1 + 3);
        assertThat(client.range("live/door", 10, 5)).isEmpty();
    }

    @Test
    void theMaximumRangeIsASetting() {
        TwentyDays index = new TwentyDays();
        server = HttpService.start(
                "127.0.0.1",
                0,
                new Router(AccessControl.open())
                        .include(new IndexRoutes(
                                index,
                                index,
                                IndexRoutes.maxRange(Settings.of(Map.of("index.query.max.range", "1d"))))));
        HttpSegmentIndex client = new HttpSegmentIndex(URI.create(server.baseUrl() + "/"));
        assertThat(keys(client.range("live/door", T0, T0 + 20 * DAY))).isEqualTo(keys(index.segments));
        assertThat(index.rangeQueries).hasValue(20);

        Settings bad = Settings.of(Map.of("index.query.max.range", "10s"));
        assertThat(IndexRoutes.maxRange(bad)).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(bad::validate).hasMessageContaining("index.query.max.range");
        assertThat(IndexRoutes.maxRange(Settings.of(Map.of()))).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aNextStartThatDoesNotMoveForwardIsRefusedByTheClient() {
        server = HttpService.start(
                "127.0.0.1",
                0,
                new Router(AccessControl.open()).get("/v1/index/segments/{app}/{stream}", Role.PUBLIC, req -> {
                    String start = req.queryParam("start").orElseThrow(() -> HttpError.badRequest("start"));
                    return Response.bytes(200, SegmentListCodec.CONTENT_TYPE, new SegmentListCodec().encode(List.of()))
                            .header(IndexRoutes.NEXT_START, start);
                }));
        HttpSegmentIndex client = new HttpSegmentIndex(URI.create(server.baseUrl() + "/"));
        assertThatThrownBy(() -> client.range("live/door", T0, T0 + 20 * DAY))
                .isInstanceOf(IndexUnavailableException.class)
                .hasMessageContaining(IndexRoutes.NEXT_START);
    }

    private static int status(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
