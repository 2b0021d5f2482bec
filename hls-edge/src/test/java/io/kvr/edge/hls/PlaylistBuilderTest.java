package io.kvr.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.index.IndexedSegment;
import io.kvr.schemas.SegmentRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlaylistBuilderTest {
    private static final long T0 = Instant.parse("2023-11-14T22:13:20.123Z").toEpochMilli();

    /** A segment of live/door starting at T0 + offsetMs; keys as the segmenter writes them, under {@code prefix}. */
    private static IndexedSegment segment(
            String prefix, long ordinal, long discontinuities, long offsetMs, long durationMs, String session) {
        long start = T0 + offsetMs;
        SegmentRecord r = SegmentRecord.newBuilder()
                .setStreamId("live/door")
                .setIngestSessionId(session)
                .setSequence(ordinal * 50)
                .setStartTimeMs(start)
                .setEndTimeMs(start + durationMs)
                .setDurationMs(durationMs)
                .setMediaStartTime(0)
                .setMediaDuration(durationMs * 90)
                .setTimescale(90_000)
                .setByteSize(1000)
                .setBucket("kvr")
                .setObjectKey(prefix + "live/door/2023/11/14/22/" + session + "-" + String.format("%010d", ordinal * 50)
                        + ".m4s")
                .setInitKey(prefix + "live/door/init/" + session + "-0011223344556677.mp4")
                .setCodecs("avc1.42c01e")
                .setMoofOffset(0)
                .setMoofSize(0)
                .setMdatOffset(0)
                .setMdatSize(0)
                .build();
        return new IndexedSegment(ordinal, discontinuities, r);
    }

    @Test
    void liveWindowListsEverySegmentWithDateTimeAndOneMap() {
        List<IndexedSegment> window = List.of(
                segment("", 10, 0, 0, 2000, "s1"),
                segment("", 11, 0, 2000, 1960, "s1"),
                segment("", 12, 0, 3960, 2040, "s1"));

        String playlist = new PlaylistBuilder("").live("live/door", window);

        assertThat(playlist).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-TARGETDURATION:3
                #EXT-X-MEDIA-SEQUENCE:10
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MAP:URI="init/s1-0011223344556677.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.123Z
                #EXTINF:2.000,
                2023/11/14/22/s1-0000000500.m4s
                #EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:22.123Z
                #EXTINF:1.960,
                2023/11/14/22/s1-0000000550.m4s
                #EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:24.083Z
                #EXTINF:2.040,
                2023/11/14/22/s1-0000000600.m4s
                """);
    }

    @Test
    void initChangeInsideTheWindowIsADiscontinuityWithANewMap() {
        List<IndexedSegment> window = List.of(
                segment("", 4, 0, 0, 2000, "s1"),
                segment("", 5, 1, 9000, 2000, "s2"),
                segment("", 6, 1, 11_000, 2000, "s2"));

        String playlist = new PlaylistBuilder("").live("live/door", window);

        assertThat(playlist).doesNotContain("#EXT-X-DISCONTINUITY-SEQUENCE").endsWith("""
                #EXT-X-MAP:URI="init/s1-0011223344556677.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.123Z
                #EXTINF:2.000,
                2023/11/14/22/s1-0000000200.m4s
                #EXT-X-DISCONTINUITY
                #EXT-X-MAP:URI="init/s2-0011223344556677.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:29.123Z
                #EXTINF:2.000,
                2023/11/14/22/s2-0000000250.m4s
                #EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:31.123Z
                #EXTINF:2.000,
                2023/11/14/22/s2-0000000300.m4s
                """);
        assertThat(playlist.lines().filter(l -> l.startsWith("#EXT-X-MAP"))).hasSize(2);
    }

    @Test
    void windowStartingAfterDiscontinuitiesCarriesTheirCount() {
        List<IndexedSegment> window = List.of(segment("", 20, 3, 0, 2000, "s4"), segment("", 21, 3, 2000, 2000, "s4"));

        List<String> lines =
                new PlaylistBuilder("").live("live/door", window).lines().toList();

        assertThat(lines)
                .containsSubsequence(
                        "#EXT-X-MEDIA-SEQUENCE:20",
                        "#EXT-X-DISCONTINUITY-SEQUENCE:3",
                        "#EXT-X-MAP:URI=\"init/s4-0011223344556677.mp4\"");
        assertThat(lines).doesNotContain("#EXT-X-DISCONTINUITY");
        assertThat(lines.indexOf("#EXT-X-DISCONTINUITY-SEQUENCE:3"))
                .isLessThan(lines.indexOf("#EXT-X-INDEPENDENT-SEGMENTS"));
    }

    @Test
    void urisAreRelativeToTheStreamDirectoryUnderTheStoragePrefix() {
        List<IndexedSegment> window = List.of(segment("tenant-a/rec/", 0, 0, 0, 2000, "s1"));

        String playlist = new PlaylistBuilder("tenant-a/rec/").live("live/door", window);

        assertThat(playlist)
                .contains("#EXT-X-MAP:URI=\"init/s1-0011223344556677.mp4\"\n", "\n2023/11/14/22/s1-0000000000.m4s\n")
                .doesNotContain("tenant-a", "live/door");
    }

    @Test
    void objectOutsideTheStreamDirectoryIsABug() {
        List<IndexedSegment> window = List.of(segment("rec/", 0, 0, 0, 2000, "s1"));

        assertThatThrownBy(() -> new PlaylistBuilder("rec/").live("live/other", window))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new PlaylistBuilder("").live("live/other", window))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void objectsUnderAnotherStoragePrefixNameItInTheirUri() {
        List<IndexedSegment> window =
                List.of(segment("", 0, 0, 0, 2000, "s1"), segment("archive/site-a/", 1, 1, 2000, 2000, "s1"));

        String playlist = new PlaylistBuilder("").live("live/door", window);
        assertThat(playlist)
                .contains("\n2023/11/14/22/s1-0000000000.m4s\n")
                .contains("#EXT-X-MAP:URI=\"init/s1-0011223344556677.mp4?prefix=archive%2Fsite-a\"")
                .contains("\n2023/11/14/22/s1-0000000050.m4s?prefix=archive%2Fsite-a\n");
        assertThat(new PlaylistBuilder("kvr/").live("live/door", List.of(segment("", 0, 0, 0, 2000, "s1"))))
                .as("no prefix at all, the edge's is kvr/")
                .contains("\n2023/11/14/22/s1-0000000000.m4s?prefix=\n");
    }

    @Test
    void emptyWindowIsAValidPlaylistWithoutSegments() {
        assertThat(new PlaylistBuilder("").live("live/door", List.of())).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-TARGETDURATION:1
                #EXT-X-MEDIA-SEQUENCE:0
                #EXT-X-INDEPENDENT-SEGMENTS
                """);
    }

    @ParameterizedTest(name = "max {0} ms -> {1} s")
    @CsvSource({"0, 1", "1, 1", "999, 1", "1000, 1", "1001, 2", "2000, 2", "2001, 3", "9999, 10", "10000, 10"})
    void targetDurationIsTheCeilingOfTheLongestSegment(long maxMs, int target) {
        List<IndexedSegment> window = List.of(segment("", 0, 0, 0, 500, "s1"), segment("", 1, 0, 500, maxMs, "s1"));

        assertThat(PlaylistBuilder.targetDuration(window)).isEqualTo(target);
    }

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({"0, 0.000", "5, 0.005", "40, 0.040", "1960, 1.960", "2000, 2.000", "12345, 12.345", "600000, 600.000"})
    void durationsHaveThreeDecimals(long ms, String text) {
        assertThat(PlaylistBuilder.seconds(ms)).isEqualTo(text);
    }
}
