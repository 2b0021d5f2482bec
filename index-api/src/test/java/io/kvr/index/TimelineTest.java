package io.kvr.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.schemas.SegmentRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
    private static IndexedSegment segment(String session, String init, long start, long durationMs) {
        SegmentRecord r = SegmentRecord.newBuilder()
                .setStreamId("live/cam")
                .setIngestSessionId(session)
                .setSequence(start)
                .setStartTimeMs(start)
                .setEndTimeMs(start + durationMs)
                .setDurationMs(durationMs)
                .setMediaStartTime(0)
                .setMediaDuration(durationMs * 90)
                .setTimescale(90000)
                .setByteSize(1)
                .setBucket("b")
                .setObjectKey("k" + start)
                .setInitKey(init)
                .setCodecs("avc1.42c01e")
                .setMoofOffset(0)
                .setMoofSize(0)
                .setMdatOffset(0)
                .setMdatSize(0)
                .build();
        return new IndexedSegment(0, 0, r);
    }

    private static List<IndexedSegment> run(String session, String init, long start, int count) {
        List<IndexedSegment> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(segment(session, init, start + i * 2000L, 2000));
        }
        return out;
    }

    @Test
    void contiguousSegmentsAreOneSpanClippedToTheRange() {
        var result = Timeline.of(run("s1", "i1", 10_000, 5), 11_000, 19_000);
        assertThat(result.spans()).containsExactly(new Timeline.Span(11_000, 19_000, 8_000, 5));
        assertThat(result.gaps()).isEmpty();
    }

    @Test
    void timeBeforeAndAfterTheRecordingIsAGapWithNoRecording() {
        var result = Timeline.of(run("s1", "i1", 10_000, 2), 0, 20_000);
        assertThat(result.spans()).containsExactly(new Timeline.Span(10_000, 14_000, 4_000, 2));
        assertThat(result.gaps())
                .containsExactly(
                        new Timeline.Gap(0, 10_000, 10_000, Timeline.NO_RECORDING),
                        new Timeline.Gap(14_000, 20_000, 6_000, Timeline.NO_RECORDING));
    }

    @Test
    void anEmptyRangeIsOneGap() {
        assertThat(Timeline.of(List.of(), 5, 10).gaps())
                .containsExactly(new Timeline.Gap(5, 10, 5, Timeline.NO_RECORDING));
        assertThat(Timeline.of(List.of(), 5, 10).spans()).isEmpty();
    }

    @Test
    void aLongBreakBetweenSessionsIsTheCameraBeingOffline() {
        List<IndexedSegment> segments = new ArrayList<>(run("s1", "i1", 0, 3));
        segments.addAll(run("s2", "i2", 60_000, 3));
        var result = Timeline.of(segments, 0, 66_000);
        assertThat(result.spans()).extracting(Timeline.Span::start).containsExactly(0L, 60_000L);
        assertThat(result.gaps()).containsExactly(new Timeline.Gap(6_000, 60_000, 54_000, Timeline.CAMERA_OFFLINE));
    }

    @Test
    void aQuickReconnectIsANewIngestSession() {
        List<IndexedSegment> segments = new ArrayList<>(run("s1", "i1", 0, 3));
        segments.addAll(run("s2", "i2", 7_000, 3));
        var result = Timeline.of(segments, 0, 13_000);
        assertThat(result.spans()).hasSize(2);
        assertThat(result.gaps()).containsExactly(new Timeline.Gap(6_000, 7_000, 1_000, Timeline.NEW_INGEST_SESSION));
    }

    @Test
    void aNewInitInTheSameSessionIsACodecChangeAndMissingTimeInsideASessionIsNotRecorded() {
        List<IndexedSegment> segments = new ArrayList<>(run("s1", "i1", 0, 2));
        segments.addAll(run("s1", "i2", 4_600, 2));
        segments.addAll(run("s1", "i2", 20_000, 1));
        var result = Timeline.of(segments, 0, 22_000);
        assertThat(result.spans()).extracting(Timeline.Span::segments).containsExactly(2, 2, 1);
        assertThat(result.gaps())
                .extracting(Timeline.Gap::reason)
                .containsExactly(Timeline.CODEC_CHANGE, Timeline.NOT_RECORDED);
    }

    @Test
    void smallJitterBetweenSegmentsStaysOneSpan() {
        List<IndexedSegment> segments = List.of(segment("s1", "i1", 0, 2000), segment("s1", "i1", 2040, 2000));
        assertThat(Timeline.of(segments, 0, 4040).spans()).hasSize(1);
    }
}
