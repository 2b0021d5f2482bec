package io.kvr.exporter.plan;

import io.kvr.media.cmaf.CmafWriter;
import io.kvr.media.cmaf.Track;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
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

/**
 * Segment records of H.264 sessions of one stream, as the segmenter announces them, and their init segments
 * (written by media-core), in memory: what export plans are made from.
 */
final class RecordedSessions {
    static final StreamName STREAM = StreamName.parse("site/cam");
    static final long T0 = 1_800_000_000_000L;
    static final int FRAME = 3600; // 40 ms at 90 kHz
    static final int FRAMES_PER_SEGMENT = 50; // 2 s, a keyframe every 25 frames
    static final int SAMPLE_BYTES = 1000;
    static final int MDAT_PAYLOAD_AT = 100;
    static final String SPS_640X360 = "6742c01ed900a02ff97016a0c0c0d4a0000003002000000791e2c5c9";
    static final String PPS_640X360 = "68cb8cb2";
    static final String SPS_1080P = "67640028acd940780227e5c05a808080a0000003002000000791e30632c0";
    static final String PPS_1080P = "68ebecb22c";

    private final Map<String, byte[]> inits = new HashMap<>();
    private final List<SegmentRecord> records = new ArrayList<>();

    /** Records {@code segments} segments of 2 s at 25 fps from wall clock {@code startMs}, media clock {@code dts0}. */
    void session(String id, long startMs, long dts0, int segments, String sps, String pps) {
        String initKey = "init/" + id;
        HexFormat hex = HexFormat.of();
        inits.put(
                initKey,
                new CmafWriter(List.of(Track.video(
                                1,
                                VideoFormat.of(
                                        VideoCodec.H264,
                                        List.of(),
                                        List.of(hex.parseHex(sps)),
                                        List.of(hex.parseHex(pps))))))
                        .initSegment());
        for (int k = 0; k < segments; k++) {
            long dts = dts0 + (long) k * FRAMES_PER_SEGMENT * FRAME;
            SegmentTrack video = SegmentTrack.newBuilder()
                    .setTrackId(1)
                    .setCodec(Codec.H264)
                    .setTimescale(90_000)
                    .setBaseDecodeTime(dts)
                    .setDataOffset(MDAT_PAYLOAD_AT)
                    .setSampleSizes(Collections.nCopies(FRAMES_PER_SEGMENT, SAMPLE_BYTES))
                    .setSampleDurations(Collections.nCopies(FRAMES_PER_SEGMENT, FRAME))
                    .setCompositionOffsets(List.of())
                    .setSyncSamples(List.of(0, 25))
                    .build();
            long segmentStart = startMs + k * 2000L;
            records.add(SegmentRecord.newBuilder()
                    .setStreamId(STREAM.id())
                    .setIngestSessionId(id)
                    .setSequence((long) k * FRAMES_PER_SEGMENT)
                    .setStartTimeMs(segmentStart)
                    .setEndTimeMs(segmentStart + 2000)
                    .setDurationMs(2000)
                    .setMediaStartTime(dts)
                    .setMediaDuration((long) FRAMES_PER_SEGMENT * FRAME)
                    .setTimescale(90_000)
                    .setByteSize(MDAT_PAYLOAD_AT + (long) FRAMES_PER_SEGMENT * SAMPLE_BYTES)
                    .setBucket("kvr")
                    .setObjectKey("seg/" + id + "/" + k)
                    .setInitKey(initKey)
                    .setCodecs("avc1.42c01e")
                    .setMoofOffset(0)
                    .setMoofSize(MDAT_PAYLOAD_AT - 8)
                    .setMdatOffset(MDAT_PAYLOAD_AT - 8)
                    .setMdatSize(8L + (long) FRAMES_PER_SEGMENT * SAMPLE_BYTES)
                    .setTracks(List.of(video))
                    .build());
        }
        records.sort(Comparator.comparingLong(SegmentRecord::getStartTimeMs));
    }

    /** Every segment record, oldest first. */
    List<SegmentRecord> records() {
        return records;
    }

    /** The init segment stored under {@code key}, as bytes. */
    byte[] init(String key) {
        return inits.get(key);
    }

    /** The video track's {@code stts} entries of the plan's header: {sample count, duration}. */
    static List<long[]> stts(ExportPlan plan) {
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
}
