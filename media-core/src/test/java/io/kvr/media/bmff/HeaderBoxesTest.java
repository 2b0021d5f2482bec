package io.kvr.media.bmff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mp4parser.boxes.iso14496.part12.EditListBox.Entry;

/** Movie, track and media headers and edit lists: version 0 unless a value needs 64 bits. */
class HeaderBoxesTest {
    private static final long OVER_32_BITS = 0x1_0000_0000L;

    @Test
    void movieHeaderIsVersion0UntilTheDurationNeeds64Bits() throws Exception {
        var small = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.MovieHeaderBox.class, new MovieHeaderBox(1000, 12_345, 3));
        assertThat(small.getVersion()).isZero();
        assertThat(small.getTimescale()).isEqualTo(1000);
        assertThat(small.getDuration()).isEqualTo(12_345);
        assertThat(small.getNextTrackId()).isEqualTo(3);
        assertThat(small.getRate()).isEqualTo(1.0);
        var large = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.MovieHeaderBox.class,
                new MovieHeaderBox(1000, OVER_32_BITS + 7, 3));
        assertThat(large.getVersion()).isEqualTo(1);
        assertThat(large.getDuration()).isEqualTo(OVER_32_BITS + 7);
        assertThat(large.getNextTrackId()).isEqualTo(3);
    }

    @Test
    void trackHeaderCarriesIdSizeVolumeAndA64BitDurationInVersion1() throws Exception {
        var video = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.TrackHeaderBox.class, new TrackHeaderBox(5, 40_000, 0, 1920, 1080));
        assertThat(video.getVersion()).isZero();
        assertThat(video.getFlags()).isEqualTo(3);
        assertThat(video.getTrackId()).isEqualTo(5);
        assertThat(video.getWidth()).isEqualTo(1920.0);
        assertThat(video.getHeight()).isEqualTo(1080.0);
        assertThat(video.getVolume()).isZero();
        var audio = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.TrackHeaderBox.class,
                new TrackHeaderBox(2, OVER_32_BITS, TrackHeaderBox.AUDIO_VOLUME, 0, 0));
        assertThat(audio.getVersion()).isEqualTo(1);
        assertThat(audio.getDuration()).isEqualTo(OVER_32_BITS);
        assertThat(audio.getTrackId()).isEqualTo(2);
        assertThat(audio.getVolume()).isEqualTo(1.0f);
    }

    @Test
    void mediaHeaderCarriesTimescaleDurationAndUndeterminedLanguage() throws Exception {
        var small = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.MediaHeaderBox.class, new MediaHeaderBox(90_000, 900_000));
        assertThat(small.getVersion()).isZero();
        assertThat(small.getTimescale()).isEqualTo(90_000);
        assertThat(small.getDuration()).isEqualTo(900_000);
        assertThat(small.getLanguage()).isEqualTo("und");
        // 13.3 h at 90 kHz
        var large = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.MediaHeaderBox.class, new MediaHeaderBox(90_000, OVER_32_BITS));
        assertThat(large.getVersion()).isEqualTo(1);
        assertThat(large.getDuration()).isEqualTo(OVER_32_BITS);
        assertThat(large.getTimescale()).isEqualTo(90_000);
    }

    @Test
    void editListWritesEmptyEditsAsMinusOneAndSwitchesToVersion1ForLargeValues() throws Exception {
        var small = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.EditListBox.class,
                new EditListBox(List.of(
                        new EditListBox.Entry(40, EditListBox.Entry.EMPTY), new EditListBox.Entry(10_000, 3_600))));
        assertThat(small.getVersion()).isZero();
        assertThat(small.getEntries())
                .extracting(Entry::getSegmentDuration, Entry::getMediaTime, Entry::getMediaRate)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(40L, -1L, 1.0),
                        org.assertj.core.groups.Tuple.tuple(10_000L, 3_600L, 1.0));
        var large = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.EditListBox.class,
                new EditListBox(List.of(
                        new EditListBox.Entry(40, EditListBox.Entry.EMPTY),
                        new EditListBox.Entry(OVER_32_BITS, 3_600))));
        assertThat(large.getVersion()).isEqualTo(1);
        assertThat(large.getEntries())
                .extracting(Entry::getSegmentDuration, Entry::getMediaTime)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(40L, -1L),
                        org.assertj.core.groups.Tuple.tuple(OVER_32_BITS, 3_600L));
    }

    @Test
    void handlerNamesTheMediaType() throws Exception {
        var handler = Parsed.as(org.mp4parser.boxes.iso14496.part12.HandlerBox.class, HandlerBox.of(false));
        assertThat(handler.getHandlerType()).isEqualTo("soun");
        assertThat(handler.getName()).isEqualTo("SoundHandler");
    }
}
