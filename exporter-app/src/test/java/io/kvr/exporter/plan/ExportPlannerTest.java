package io.kvr.exporter.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.media.cmaf.CmafWriter;
import io.kvr.media.cmaf.Track;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.index.StreamSummary;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.Codec;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.SegmentTrack;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The export plan from segment records alone (an index in memory, init segments written by media-core): where
 * each session's frames land on the file's timeline, what is read from which object, and when a range is refused.
 */
class ExportPlannerTest {
    private static final StreamName STREAM = StreamName.parse("site/cam");
    private static final long T0 = 1_800_000_000_000L;
    private static final int FRAME = 3600; // 40 ms at 90 kHz
    private static final int FRAMES_PER_SEGMENT = 50; // 2 s, a keyframe every 25 frames
    private static final int SAMPLE_BYTES = 1000;
    private static final int MDAT_PAYLOAD_AT = 100;
    private static final String SPS_640X360 = "6742c01ed900a02ff97016a0c0c0d4a0000003002000000791e2c5c9";
    private static final String PPS_640X360 = "68cb8cb2";
    private static final String SPS_1080P = "67640028acd940780227e5c05a808080a0000003002000000791e30632c0";
    private static final String PPS_1080P = "68ebecb22c";

    private final Map<String, byte[]> inits = new HashMap<>();
    private final List<SegmentRecord> records = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger rangeQueries = new java.util.concurrent.atomic.AtomicInteger();
    private final ExportPlanner planner = new ExportPlanner(new MemoryIndex(), new InitSegments(inits::get));

    @Test
    void oneSessionIsItsFramesInOrderReadSegmentBySegment() {
        session("a", T0, 0, 3, SPS_640X360, PPS_640X360);

        ExportPlan plan = planner.plan(new ExportRange(STREAM, T0, T0 + 6000, true));

        assertThat(plan.firstFrameMs()).isEqualTo(T0);
        assertThat(plan.durationMs()).isEqualTo(6000);
        assertThat(plan.segments()).isEqualTo(3);
        assertThat(plan.reads()).extracting(MediaRead::key).containsExactly("seg/a/0", "seg/a/1", "seg/a/2");
        assertThat(plan.reads()).allSatisfy(r -> {
            assertThat(r.objectOffset()).isEqualTo(MDAT_PAYLOAD_AT);
            assertThat(r.length()).isEqualTo((long) FRAMES_PER_SEGMENT * SAMPLE_BYTES);
        });
        assertThat(plan.size()).isEqualTo(plan.header().length + 3L * FRAMES_PER_SEGMENT * SAMPLE_BYTES);
        assertThat(stts(plan)).containsExactly(new long[] {150, FRAME});
    }

    @Test
    void aStartBetweenKeyframesBeginsAtTheKeyframeBefore() {
        session("a", T0, 0, 3, SPS_640X360, PPS_640X360);

        ExportPlan plan = planner.plan(new ExportRange(STREAM, T0 + 1500, T0 + 4000, true));

        assertThat(plan.firstFrameMs()).as("the keyframe of frame 25").isEqualTo(T0 + 1000);
        assertThat(plan.durationMs()).as("shown: start to end").isEqualTo(2500);
        MediaRead first = plan.reads().get(0);
        assertThat(first.key()).isEqualTo("seg/a/0");
        assertThat(first.objectOffset()).isEqualTo(MDAT_PAYLOAD_AT + 25L * SAMPLE_BYTES);
    }

    @Test
    void aGapBetweenSessionsKeepsItsLength() {
        session("a", T0, 0, 2, SPS_640X360, PPS_640X360);
        // the next connection: 1230 ms after the last frame of "a" ended, its own media clock
        session("b", T0 + 4000 + 1230, 987_654_321L, 2, SPS_640X360, PPS_640X360);

        ExportPlan plan = planner.plan(new ExportRange(STREAM, T0, T0 + 4000 + 1230 + 4000, true));

        // the last frame of "a" lasts until "b" begins: the picture holds, nothing is squeezed out
        assertThat(stts(plan)).containsExactly(new long[] {99, FRAME}, new long[] {1, FRAME + 1230 * 90},
                new long[] {100, FRAME});
        assertThat(plan.durationMs()).isEqualTo(9230);
    }

    @Test
    void overlappingSessionsFollowEachOtherWithoutShortFrames() {
        session("a", T0, 0, 2, SPS_640X360, PPS_640X360);
        // a camera moved between bridges: the new connection started before the old one stopped
        session("b", T0 + 3000, 5_000_000L, 2, SPS_640X360, PPS_640X360);

        ExportPlan plan = planner.plan(new ExportRange(STREAM, T0, T0 + 7000, true));

        List<long[]> stts = stts(plan);
        assertThat(stts).allSatisfy(e -> assertThat(e[1]).as("a frame's duration").isGreaterThanOrEqualTo(FRAME));
        assertThat(stts.stream().mapToLong(e -> e[0]).sum()).as("every frame of both, once").isEqualTo(200);
    }

    @Test
    void aCodecChangeIsRefusedWithTheTimeOfTheChange() {
        session("a", T0, 0, 2, SPS_640X360, PPS_640X360);
        session("b", T0 + 4000, 0, 2, SPS_1080P, PPS_1080P);

        assertThatThrownBy(() -> planner.plan(new ExportRange(STREAM, T0, T0 + 8000, true)))
                .isInstanceOfSatisfying(ExportRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.codecChangeAtMs()).isEqualTo(T0 + 4000);
                    assertThat(e.getMessage()).contains("codec configuration");
                });
        // what a job does with it: the parts before and after plan on their own
        assertThat(planner.plan(new ExportRange(STREAM, T0, T0 + 4000, true)).segments()).isEqualTo(2);
        assertThat(planner.plan(new ExportRange(STREAM, T0 + 4000, T0 + 8000, true)).segments()).isEqualTo(2);
    }

    @Test
    void unknownStreamsAndRangesWithoutRecordingAre404() {
        session("a", T0, 0, 1, SPS_640X360, PPS_640X360);

        assertThatThrownBy(() -> planner.plan(new ExportRange(StreamName.parse("site/other"), T0, T0 + 1000, true)))
                .isInstanceOfSatisfying(ExportRefusedException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> planner.plan(new ExportRange(STREAM, T0 + 60_000, T0 + 61_000, true)))
                .isInstanceOfSatisfying(ExportRefusedException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void aLongFileStartsBeforeItsWholeRangeIsReadWithTheHeadersFirstBytes() {
        session("a", T0, 0, 3600, SPS_640X360, PPS_640X360); // two hours

        for (ExportFormat format : ExportFormat.values()) {
            rangeQueries.set(0);
            List<ExportStart> starts = new ArrayList<>();
            List<Integer> queriesAtStart = new ArrayList<>();
            ExportPlan plan = planner.plan(new ExportRange(STREAM, T0 + 1500, T0 + 7_200_000, true, format), start -> {
                starts.add(start);
                queriesAtStart.add(rangeQueries.get());
            });

            assertThat(starts).hasSize(1);
            ExportStart start = starts.get(0);
            assertThat(queriesAtStart.get(0)).as("index reads when the file could start (the first window, the next"
                    + " one read ahead)").isLessThanOrEqualTo(2);
            assertThat(rangeQueries.get()).as("index reads for the whole plan").isGreaterThan(2);
            assertThat(start.firstFrameMs()).isEqualTo(plan.firstFrameMs()).isEqualTo(T0 + 1000);
            assertThat(start.startMs()).isEqualTo(plan.startMs()).isEqualTo(T0 + 1500);
            assertThat(start.fileType()).as("the ftyp the " + format + " header begins with")
                    .isEqualTo(java.util.Arrays.copyOf(plan.header(), start.fileType().length));
            assertThat(new String(start.fileType(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        }
    }

    @Test
    void aJobsRangeIsCheckedFromItsFirstSegmentOnly() {
        session("a", T0, 0, 2, SPS_640X360, PPS_640X360);
        session("b", T0 + 4000, 0, 2, SPS_1080P, PPS_1080P);

        // the codec change later in the range is the job's to split, not a reason to refuse it
        planner.check(new ExportRange(STREAM, T0, T0 + 8000, true));
        assertThatThrownBy(() -> planner.check(new ExportRange(StreamName.parse("site/other"), T0, T0 + 1000, true)))
                .isInstanceOfSatisfying(ExportRefusedException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> planner.check(new ExportRange(STREAM, T0 + 60_000, T0 + 61_000, true)))
                .isInstanceOfSatisfying(ExportRefusedException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    /** Records {@code segments} segments of 2 s at 25 fps from wall clock {@code startMs}, media clock {@code dts0}. */
    private void session(String id, long startMs, long dts0, int segments, String sps, String pps) {
        String initKey = "init/" + id;
        HexFormat hex = HexFormat.of();
        inits.put(initKey, new CmafWriter(List.of(Track.video(1, VideoFormat.of(VideoCodec.H264, List.of(),
                List.of(hex.parseHex(sps)), List.of(hex.parseHex(pps)))))).initSegment());
        for (int k = 0; k < segments; k++) {
            long dts = dts0 + (long) k * FRAMES_PER_SEGMENT * FRAME;
            SegmentTrack video = SegmentTrack.newBuilder().setTrackId(1).setCodec(Codec.H264).setTimescale(90_000)
                    .setBaseDecodeTime(dts).setDataOffset(MDAT_PAYLOAD_AT)
                    .setSampleSizes(Collections.nCopies(FRAMES_PER_SEGMENT, SAMPLE_BYTES))
                    .setSampleDurations(Collections.nCopies(FRAMES_PER_SEGMENT, FRAME))
                    .setCompositionOffsets(List.of()).setSyncSamples(List.of(0, 25)).build();
            long segmentStart = startMs + k * 2000L;
            records.add(SegmentRecord.newBuilder().setStreamId(STREAM.id()).setIngestSessionId(id)
                    .setSequence((long) k * FRAMES_PER_SEGMENT).setStartTimeMs(segmentStart)
                    .setEndTimeMs(segmentStart + 2000).setDurationMs(2000).setMediaStartTime(dts)
                    .setMediaDuration((long) FRAMES_PER_SEGMENT * FRAME).setTimescale(90_000)
                    .setByteSize(MDAT_PAYLOAD_AT + (long) FRAMES_PER_SEGMENT * SAMPLE_BYTES).setBucket("kvr")
                    .setObjectKey("seg/" + id + "/" + k).setInitKey(initKey).setCodecs("avc1.42c01e")
                    .setMoofOffset(0).setMoofSize(MDAT_PAYLOAD_AT - 8).setMdatOffset(MDAT_PAYLOAD_AT - 8)
                    .setMdatSize(8L + (long) FRAMES_PER_SEGMENT * SAMPLE_BYTES).setTracks(List.of(video)).build());
        }
        records.sort(Comparator.comparingLong(SegmentRecord::getStartTimeMs));
    }

    /** The video track's {@code stts} entries of the plan's header: {sample count, duration}. */
    private static List<long[]> stts(ExportPlan plan) {
        byte[] h = plan.header();
        int at = indexOf(h, "stts".getBytes(StandardCharsets.US_ASCII));
        int entries = u32(h, at + 8);
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            out.add(new long[] {u32(h, at + 12 + 8 * i), u32(h, at + 16 + 8 * i)});
        }
        return out;
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("no " + new String(pattern, StandardCharsets.US_ASCII) + " box");
    }

    private static int u32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    /** The index over {@link #records}, as the indexer answers it: segments overlapping a range, oldest first. */
    private final class MemoryIndex implements SegmentIndex {
        @Override
        public List<StreamSummary> streams() {
            if (records.isEmpty()) {
                return List.of();
            }
            SegmentRecord first = records.get(0);
            SegmentRecord last = records.get(records.size() - 1);
            return List.of(new StreamSummary(STREAM.id(), first.getStartTimeMs(), last.getEndTimeMs(), records.size(),
                    last.getCodecs(), 640, 360, last.getIngestSessionId()));
        }

        @Override
        public List<IndexedSegment> latest(String streamId, int limit) {
            List<IndexedSegment> all = range(streamId, Long.MIN_VALUE, Long.MAX_VALUE);
            return all.subList(Math.max(0, all.size() - limit), all.size());
        }

        @Override
        public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
            rangeQueries.incrementAndGet();
            List<IndexedSegment> out = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                SegmentRecord r = records.get(i);
                if (r.getStreamId().equals(streamId) && r.getEndTimeMs() > startMs && r.getStartTimeMs() < endMs) {
                    out.add(new IndexedSegment(i, 0, r));
                }
            }
            return out;
        }
    }
}
