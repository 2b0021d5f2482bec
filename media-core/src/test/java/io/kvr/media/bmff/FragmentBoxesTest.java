package io.kvr.media.bmff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mp4parser.boxes.iso14496.part12.TrackRunBox.Entry;

/** Movie fragment boxes: trun fields and version from its samples, tfdt always 64-bit, mdat largesize. */
class FragmentBoxesTest {
    private static final int[] DURATIONS = {3000, 3000, 3000};
    private static final int[] SIZES = {900, 40, 50};
    private static final int[] FIRST_SYNC = {0};

    @Test
    void trackRunLeavesCompositionOffsetsOutWhenAllAreZero() throws Exception {
        TrackRunBox box = TrackRunBox.of(120, DURATIONS, SIZES, FIRST_SYNC, new int[3]);
        var run = Parsed.as(org.mp4parser.boxes.iso14496.part12.TrackRunBox.class, box);
        assertThat(run.getVersion()).isZero();
        assertThat(run.isSampleCompositionTimeOffsetPresent()).isFalse();
        assertThat(run.getDataOffset()).isEqualTo(120);
        assertThat(run.getEntries()).extracting(Entry::getSampleDuration).containsExactly(3000L, 3000L, 3000L);
        assertThat(run.getEntries()).extracting(Entry::getSampleSize).containsExactly(900L, 40L, 50L);
        assertThat(run.getEntries())
                .extracting(e -> e.getSampleFlags().isSampleIsDifferenceSample())
                .containsExactly(false, true, true);
        assertThat(run.getEntries())
                .extracting(e -> e.getSampleFlags().getSampleDependsOn())
                .containsExactly(2, 1, 1);
    }

    @Test
    void trackRunIsVersion1WithSignedOffsetsWhenOneIsNegative() throws Exception {
        var positive = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.TrackRunBox.class,
                TrackRunBox.of(120, DURATIONS, SIZES, FIRST_SYNC, new int[] {0, 6000, 3000}));
        assertThat(positive.getVersion()).isZero();
        assertThat(positive.getEntries())
                .extracting(Entry::getSampleCompositionTimeOffset)
                .containsExactly(0L, 6000L, 3000L);
        var negative = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.TrackRunBox.class,
                TrackRunBox.of(120, DURATIONS, SIZES, FIRST_SYNC, new int[] {-3000, 3000, 0}));
        assertThat(negative.getVersion()).isEqualTo(1);
        assertThat(negative.getEntries())
                .extracting(Entry::getSampleCompositionTimeOffset)
                .containsExactly(-3000L, 3000L, 0L);
    }

    @Test
    void sizesKnownBeforehandMatchTheWrittenBoxes() {
        TrackRunBox run = TrackRunBox.of(0, DURATIONS, SIZES, FIRST_SYNC, new int[] {0, 1, 0});
        TrackFragmentBox traf =
                new TrackFragmentBox(new TrackFragmentHeaderBox(1), new TrackFragmentBaseMediaDecodeTimeBox(0), run);
        assertThat(Parsed.bytes(traf)).hasSize((int) TrackFragmentBox.size(3, true));
        MovieFragmentBox moof = new MovieFragmentBox(new MovieFragmentHeaderBox(7), List.of(traf, traf));
        assertThat(Parsed.bytes(moof)).hasSize((int) MovieFragmentBox.size(2 * TrackFragmentBox.size(3, true)));
    }

    @Test
    void baseMediaDecodeTimeIsAlways64Bit() throws Exception {
        var small = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.TrackFragmentBaseMediaDecodeTimeBox.class,
                new TrackFragmentBaseMediaDecodeTimeBox(90_000));
        assertThat(small.getVersion()).isEqualTo(1);
        assertThat(small.getBaseMediaDecodeTime()).isEqualTo(90_000);
        var large = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.TrackFragmentBaseMediaDecodeTimeBox.class,
                new TrackFragmentBaseMediaDecodeTimeBox(0x1_2345_6789L));
        assertThat(large.getBaseMediaDecodeTime()).isEqualTo(0x1_2345_6789L);
    }

    @Test
    void trackFragmentHeaderSaysDefaultBaseIsMoof() throws Exception {
        var tfhd = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.TrackFragmentHeaderBox.class, new TrackFragmentHeaderBox(9));
        assertThat(tfhd.getTrackId()).isEqualTo(9);
        assertThat(tfhd.isDefaultBaseIsMoof()).isTrue();
        assertThat(tfhd.hasBaseDataOffset()).isFalse();
    }

    @Test
    void mediaDataHeaderUsesLargesizePast4GiB() {
        BoxWriter small = new BoxWriter(16);
        new MediaDataBox(100).writeHeader(small);
        assertThat(HexFormat.of().formatHex(small.toByteArray())).isEqualTo("0000006c6d646174");
        BoxWriter large = new BoxWriter(16);
        MediaDataBox big = new MediaDataBox(0xFFFF_FFF8L);
        big.writeHeader(large);
        assertThat(big.headerSize()).isEqualTo(16);
        assertThat(big.size()).isEqualTo(0xFFFF_FFF8L + 16);
        assertThat(HexFormat.of().formatHex(large.toByteArray())).isEqualTo("000000016d6461740000000100000008");
    }

    @Test
    void chunkOffsetsAreMovedByTheBaseAndNeedCo64Past4GiB() throws Exception {
        long[] offsets = {0, 1000, 0xFFFF_0000L};
        var stco = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.StaticChunkOffsetBox.class,
                new ChunkOffsetBox(offsets, 2, 48, false));
        assertThat(stco.getChunkOffsets()).containsExactly(48, 1048);
        var co64 = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.ChunkOffset64BitBox.class,
                new ChunkOffsetBox(offsets, 3, 0x10_0000, true));
        assertThat(co64.getChunkOffsets()).containsExactly(0x10_0000L, 0x10_0000L + 1000, 0x1_000F_0000L);
        assertThatThrownBy(() -> new ChunkOffsetBox(offsets, 3, 0x10_0000, false).toByteArray())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
