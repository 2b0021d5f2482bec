package io.kvr.media.bmff;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mp4parser.boxes.iso14496.part12.CompositionTimeToSample;
import org.mp4parser.boxes.iso14496.part12.SampleToChunkBox.Entry;

/** Sample tables: runs, counts taken from longer arrays, signed composition offsets. */
class SampleTableBoxesTest {

    @Test
    void compositionOffsetsAreWrittenAsRunsAndSignedInVersion1() throws Exception {
        // the array is longer than the table, as SampleTable's growing arrays are
        int[] offsets = {3600, 3600, 0, -3600, -3600, 0, 99, 99};
        var ctts = Parsed.as(CompositionTimeToSample.class, new CompositionOffsetBox(offsets, 6));
        assertThat(ctts.getVersion()).isEqualTo(1);
        assertThat(ctts.getEntries())
                .extracting(CompositionTimeToSample.Entry::getCount, CompositionTimeToSample.Entry::getOffset)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2, 3600), org.assertj.core.groups.Tuple.tuple(1, 0),
                        org.assertj.core.groups.Tuple.tuple(2, -3600), org.assertj.core.groups.Tuple.tuple(1, 0));
        var positive = Parsed.as(CompositionTimeToSample.class, new CompositionOffsetBox(new int[] {0, 3600}, 2));
        assertThat(positive.getVersion()).isZero();
    }

    @Test
    void chunksWithEqualSampleCountsShareAnEntry() throws Exception {
        var stsc = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.SampleToChunkBox.class,
                SampleToChunkBox.ofChunks(new int[] {25, 25, 26, 25, 25}));
        assertThat(stsc.getEntries())
                .extracting(Entry::getFirstChunk, Entry::getSamplesPerChunk, Entry::getSampleDescriptionIndex)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, 25L, 1L),
                        org.assertj.core.groups.Tuple.tuple(3L, 26L, 1L),
                        org.assertj.core.groups.Tuple.tuple(4L, 25L, 1L));
    }

    @Test
    void sizesAndSyncSamplesTakeTheFirstCountEntries() throws Exception {
        var stsz = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.SampleSizeBox.class,
                new SampleSizeBox(new int[] {10, 20, 30, 0}, 3));
        assertThat(stsz.getSampleSizes()).containsExactly(10, 20, 30);
        var stss = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.SyncSampleBox.class, new SyncSampleBox(new int[] {1, 26, 0, 0}, 2));
        assertThat(stss.getSampleNumber()).containsExactly(1, 26);
        var stts = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.TimeToSampleBox.class,
                new TimeToSampleBox(new int[] {24, 1}, new int[] {3600, 93_600}));
        assertThat(stts.getEntries())
                .extracting(e -> e.getCount(), e -> e.getDelta())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(24L, 3600L),
                        org.assertj.core.groups.Tuple.tuple(1L, 93_600L));
    }

    @Test
    void anEmptySampleTableHoldsTheDescriptionAndEmptyTables() throws Exception {
        var stbl = Parsed.as(
                org.mp4parser.boxes.iso14496.part12.SampleTableBox.class,
                SampleTableBox.empty(new SampleDescriptionBox(java.util.List.of())));
        assertThat(stbl.getBoxes())
                .extracting(org.mp4parser.Box::getType)
                .containsExactly("stsd", "stts", "stsc", "stco", "stsz");
        assertThat(stbl.getSampleSizeBox().getSampleCount()).isZero();
    }
}
