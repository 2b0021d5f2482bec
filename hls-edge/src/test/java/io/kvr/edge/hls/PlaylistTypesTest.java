package io.kvr.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.index.IndexedSegment;
import io.kvr.schemas.SegmentRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlaylistTypesTest {
    private final PlaylistBuilder builder = new PlaylistBuilder("");

    private static IndexedSegment segment(long ordinal, String init, long start) {
        return new IndexedSegment(
                ordinal,
                0,
                SegmentRecord.newBuilder()
                        .setStreamId("live/cam")
                        .setIngestSessionId("s")
                        .setSequence(ordinal)
                        .setStartTimeMs(start)
                        .setEndTimeMs(start + 2000)
                        .setDurationMs(2000)
                        .setMediaStartTime(0)
                        .setMediaDuration(180000)
                        .setTimescale(90000)
                        .setByteSize(250_000)
                        .setBucket("kvr")
                        .setObjectKey("live/cam/2023/11/14/22/s-" + ordinal + ".m4s")
                        .setInitKey("live/cam/init/" + init + ".mp4")
                        .setCodecs("avc1.64001f,mp4a.40.2")
                        .setWidth(1280)
                        .setHeight(720)
                        .setMoofOffset(0)
                        .setMoofSize(0)
                        .setMdatOffset(0)
                        .setMdatSize(0)
                        .build());
    }

    @Test
    void aVodPlaylistIsClosedAndMarksMissingTimeAsADiscontinuity() {
        String text =
                builder.vod("live/cam", List.of(segment(0, "a", 0), segment(1, "a", 2000), segment(2, "a", 60_000)));
        assertThat(text).contains("#EXT-X-PLAYLIST-TYPE:VOD\n").endsWith("#EXT-X-ENDLIST\n");
        assertThat(text.split("#EXT-X-DISCONTINUITY\n", -1)).hasSize(2);
        assertThat(text.indexOf("#EXT-X-DISCONTINUITY")).isGreaterThan(text.indexOf("s-1.m4s"));
        assertThat(text).containsOnlyOnce("#EXT-X-MAP:");
    }

    @Test
    void anEventPlaylistIsOpenEnded() {
        String text = builder.event("live/cam", List.of(segment(5, "a", 0), segment(6, "b", 2000)));
        assertThat(text)
                .contains("#EXT-X-PLAYLIST-TYPE:EVENT\n", "#EXT-X-MEDIA-SEQUENCE:5\n", "#EXT-X-DISCONTINUITY\n")
                .doesNotContain("#EXT-X-ENDLIST");
        assertThat(text.split("#EXT-X-MAP:", -1)).hasSize(3);
    }

    @Test
    void theMultivariantPlaylistNamesCodecsResolutionAndPeakBandwidth() {
        String text = builder.multivariant(List.of(segment(0, "a", 0)), "index.m3u8");
        assertThat(text).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-STREAM-INF:BANDWIDTH=1000000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720
                index.m3u8
                """);
    }
}
