package io.kvr.runtime.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.runtime.access.AccessControl;
import io.kvr.runtime.access.AccessSettings;
import io.kvr.runtime.access.ApiKeys;
import io.kvr.runtime.http.HttpService;
import io.kvr.runtime.http.Router;
import io.kvr.schemas.SegmentRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code local=1} picks the instance's own index, a bad value is 400, an index that cannot answer now is 503. */
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
        return SegmentRecord.newBuilder().setStreamId("live/door").setIngestSessionId("s1").setSequence(0)
                .setStartTimeMs(1000).setEndTimeMs(3000).setDurationMs(2000).setMediaStartTime(0)
                .setMediaDuration(180_000).setTimescale(90_000).setByteSize(1000).setBucket("kvr")
                .setObjectKey(key).setInitKey("live/door/init/s1-a.mp4").setCodecs("avc1.42c01e")
                .setMoofOffset(0).setMoofSize(1).setMdatOffset(1).setMdatSize(2).build();
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
        server = HttpService.start("127.0.0.1", 0, new Router(AccessControl.open()).include(new IndexRoutes(index, local)));
        return URI.create(server.baseUrl() + "/");
    }

    @Test
    void forwardedQueriesAreAnsweredFromTheLocalIndexOnly() {
        URI base = start(named("routed"), named("local"));
        assertThat(new HttpSegmentIndex(base).latest("live/door", 1).get(0).segment().getObjectKey()).isEqualTo("routed.m4s");
        assertThat(new HttpSegmentIndex(base, true).latest("live/door", 1).get(0).segment().getObjectKey()).isEqualTo("local.m4s");
        assertThat(new HttpSegmentIndex(base, true).range("live/door", 0, 10).get(0).segment().getObjectKey()).isEqualTo("local.m4s");
        assertThat(new HttpSegmentIndex(base).streams()).extracting(StreamSummary::streamId).containsExactly("routed/cam");
        assertThat(new HttpSegmentIndex(base, true).streams()).extracting(StreamSummary::streamId).containsExactly("local/cam");
    }

    @Test
    void anIndexRequiringAccessAnswersItsOperatorsApiKeyOnlyAndTheirStreams() throws Exception {
        String key = "index-client-key-0123456789";
        AccessSettings open = AccessSettings.off();
        AccessSettings required = new AccessSettings(true, null, null, null, null, null, "stream", "roles",
                ApiKeys.parse("keys", List.of(key + " operator live/*", "viewer-key-0123456789abc viewer"), p -> {
                    throw new AssertionError(p);
                }), open.clockSkew(), false);
        server = HttpService.start("127.0.0.1", 0, new Router(new AccessControl(required))
                .include(new IndexRoutes(named("live"), named("live"))));
        URI base = URI.create(server.baseUrl() + "/");
        assertThatThrownBy(() -> new HttpSegmentIndex(base).latest("live/door", 1))
                .isInstanceOf(IndexUnavailableException.class).hasMessageContaining("401");
        assertThat(new HttpSegmentIndex(base, false, key).latest("live/door", 1)).hasSize(1);
        assertThat(new HttpSegmentIndex(base, true, key).streams()).extracting(StreamSummary::streamId)
                .containsExactly("live/cam");
        assertThat(new HttpSegmentIndex(base, false, key).summary("live/cam")).isPresent();
        assertThatThrownBy(() -> new HttpSegmentIndex(base, false, key).latest("other/door", 1))
                .isInstanceOf(IndexUnavailableException.class).hasMessageContaining("403");
        assertThatThrownBy(() -> new HttpSegmentIndex(base, false, "viewer-key-0123456789abc").latest("live/door", 1))
                .isInstanceOf(IndexUnavailableException.class).hasMessageContaining("403");
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
        assertThat(status(base.resolve("/v1/index/segments/live/door?last=1&local=2"))).isEqualTo(400);
        assertThat(status(base.resolve("/v1/index/streams?local=yes"))).isEqualTo(400);
        assertThat(status(base.resolve("/v1/index/segments/live/door?last=1"))).isEqualTo(503);
        assertThat(status(base.resolve("/v1/index/streams?local=1"))).isEqualTo(503);
        assertThatThrownBy(() -> new HttpSegmentIndex(base).latest("live/door", 1))
                .isInstanceOf(IndexUnavailableException.class).hasMessageContaining("503");
    }

    private static int status(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
