package io.kvr.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.index.IndexedSegment;
import io.kvr.schemas.SegmentRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveWindowCacheTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicInteger renders = new AtomicInteger();
    private final List<IndexedSegment> index = new ArrayList<>();
    private final LiveWindowCache cache = new LiveWindowCache(250_000_000L, now::get);

    private static IndexedSegment segment(long ordinal) {
        return new IndexedSegment(
                ordinal,
                0,
                SegmentRecord.newBuilder()
                        .setStreamId("live/cam")
                        .setIngestSessionId("s")
                        .setSequence(ordinal)
                        .setStartTimeMs(ordinal * 2000)
                        .setEndTimeMs(ordinal * 2000 + 2000)
                        .setDurationMs(2000)
                        .setMediaStartTime(0)
                        .setMediaDuration(180000)
                        .setTimescale(90000)
                        .setByteSize(1000)
                        .setBucket("kvr")
                        .setObjectKey("k" + ordinal)
                        .setInitKey("i")
                        .setCodecs("avc1.42c01e")
                        .setWidth(640)
                        .setHeight(360)
                        .setMoofOffset(0)
                        .setMoofSize(0)
                        .setMdatOffset(0)
                        .setMdatSize(0)
                        .build());
    }

    @Test
    void anEmptyWindowIsAskedForEveryTime() {
        poll(0);
        poll(0);
        assertThat(fetches).hasValue(2);
    }

    private void poll(int unused) {
        cache.get("live/nosuch", () -> {
            fetches.incrementAndGet();
            return List.of();
        });
    }

    private String poll() {
        return cache.get("live/cam", () -> {
                    fetches.incrementAndGet();
                    return List.copyOf(index.subList(Math.max(0, index.size() - 3), index.size()));
                })
                .text(s -> {
                    renders.incrementAndGet();
                    return "ordinals " + s.getFirst().ordinal() + ".."
                            + s.getLast().ordinal();
                });
    }

    @Test
    void theIndexIsAskedOncePerIntervalAndThePlaylistRenderedOncePerNewSegment() {
        for (int i = 0; i < 3; i++) {
            index.add(segment(i));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(poll()).isEqualTo("ordinals 0..2");
        }
        assertThat(fetches).hasValue(1);
        assertThat(renders).hasValue(1);

        now.addAndGet(300_000_000L); // revalidate: the index has nothing new
        assertThat(poll()).isEqualTo("ordinals 0..2");
        assertThat(fetches).hasValue(2);
        assertThat(renders).hasValue(1);

        index.add(segment(3)); // a segment arrives; seen at the next revalidation only
        assertThat(poll()).isEqualTo("ordinals 0..2");
        now.addAndGet(300_000_000L);
        assertThat(poll()).isEqualTo("ordinals 1..3");
        assertThat(fetches).hasValue(3);
        assertThat(renders).hasValue(2);
    }
}
