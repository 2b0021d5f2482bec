package io.kvr.segmenter.segment;

import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Synthetic media-topic records of one camera: H.264 at 25 fps in a 90 kHz timebase with a keyframe every 25 frames,
 * optionally AAC in a 48 kHz timebase. Parameter sets are real (x264 Constrained Baseline 640x360, from media-core's
 * RealParameterSets); slice data is filler that never forms a start code.
 */
final class FakeCamera {
    static final byte[] SPS = HexFormat.of().parseHex("6742c01ed900a02ff97016a0c0c0d4a0000003002000000791e2c5c9");
    static final byte[] PPS = HexFormat.of().parseHex("68cb8cb2");
    /** AudioSpecificConfig: AAC-LC (2), 48 kHz (index 3), channel configuration 2. */
    static final byte[] AAC_LC_48K = {0x11, (byte) 0x90};

    static final long T0 = Instant.parse("2023-11-14T22:13:20Z").toEpochMilli();
    static final int FRAME_TICKS = 3600;
    static final int GOP = 25;
    static final int AAC_FRAME = 1024;

    /** One record of the media topic with its offset. */
    record Fed(Object value, long offset) {}

    private final List<Fed> records = new ArrayList<>();
    private long nextOffset;
    private String session;
    private long sessionStartMs;
    private long sequence;
    private boolean inBandParameterSets = true;
    private boolean audio;
    private long nextAudioFrame;

    FakeCamera(long firstOffset) {
        this.nextOffset = firstOffset;
    }

    static String sessionId(int n) {
        return String.format("018bd0c1-6d00-7000-8000-%012d", n);
    }

    /** Starts a session; {@code announce} writes its StreamInfo first, as the bridge does. */
    FakeCamera session(String id, long startMs, boolean announce, byte[] videoExtradata, boolean withAudio) {
        session = id;
        sessionStartMs = startMs;
        sequence = 0;
        nextAudioFrame = 0;
        audio = withAudio;
        inBandParameterSets = videoExtradata.length == 0;
        if (announce) {
            add(streamInfo(id, startMs, videoExtradata, withAudio));
        }
        return this;
    }

    /** Keyframes of the current session carry no SPS/PPS. */
    FakeCamera withoutInBandParameterSets() {
        inBandParameterSets = false;
        return this;
    }

    FakeCamera session(String id, long startMs) {
        return session(id, startMs, true, new byte[0], false);
    }

    static StreamInfo streamInfo(String id, long startMs, byte[] videoExtradata, boolean withAudio) {
        List<TrackInfo> tracks = new ArrayList<>();
        tracks.add(TrackInfo.newBuilder()
                .setTrack(0)
                .setCodec(Codec.H264)
                .setTimebaseNum(1)
                .setTimebaseDen(90_000)
                .setWidth(640)
                .setHeight(360)
                .setExtradata(ByteBuffer.wrap(videoExtradata))
                .build());
        if (withAudio) {
            tracks.add(TrackInfo.newBuilder()
                    .setTrack(1)
                    .setCodec(Codec.AAC)
                    .setTimebaseNum(1)
                    .setTimebaseDen(48_000)
                    .setSampleRate(48_000)
                    .setChannels(2)
                    .setExtradata(ByteBuffer.wrap(AAC_LC_48K))
                    .build());
        }
        return StreamInfo.newBuilder()
                .setStreamId("live/door")
                .setIngestSessionId(id)
                .setStartedAtMs(startMs)
                .setSourceUrl("rtsp://10.0.0.5/stream1")
                .setTracks(tracks)
                .build();
    }

    /** Video frames {@code from} (inclusive) to {@code to} (exclusive) of the current session, each followed by the audio up to its end. */
    FakeCamera frames(int from, int to) {
        for (int i = from; i < to; i++) {
            frame(i, (long) i * FRAME_TICKS);
            if (audio) {
                while (nextAudioFrame * AAC_FRAME * 90_000L < (i + 1L) * FRAME_TICKS * 48_000L) {
                    audioFrame(nextAudioFrame++);
                }
            }
        }
        return this;
    }

    /** One video frame with an explicit decode (= presentation) time. */
    FakeCamera frame(int index, long dts) {
        boolean key = index % GOP == 0;
        add(AccessUnit.newBuilder()
                .setStreamId("live/door")
                .setIngestSessionId(session)
                .setTrack(0)
                .setCodec(Codec.H264)
                .setKeyframe(key)
                .setPts(dts)
                .setDts(dts)
                .setTimebaseNum(1)
                .setTimebaseDen(90_000)
                .setCaptureTimeMs(sessionStartMs + dts / 90)
                .setArrivalTimeMs(sessionStartMs + dts / 90 + 7)
                .setSequence(sequence++)
                .setPayload(ByteBuffer.wrap(key ? keyframe(index) : slice(index)))
                .build());
        return this;
    }

    private void audioFrame(long k) {
        long dts = k * AAC_FRAME;
        add(AccessUnit.newBuilder()
                .setStreamId("live/door")
                .setIngestSessionId(session)
                .setTrack(1)
                .setCodec(Codec.AAC)
                .setKeyframe(true)
                .setPts(dts)
                .setDts(dts)
                .setTimebaseNum(1)
                .setTimebaseDen(48_000)
                .setCaptureTimeMs(sessionStartMs + dts * 1000 / 48_000)
                .setArrivalTimeMs(sessionStartMs + dts * 1000 / 48_000)
                .setSequence(sequence++)
                .setPayload(ByteBuffer.wrap(filler(0x21, (int) k, 6 + (int) (k % 5))))
                .build());
    }

    private void add(Object value) {
        records.add(new Fed(value, nextOffset++));
    }

    List<Fed> records() {
        return List.copyOf(records);
    }

    /** Records from the one at {@code offset} on, as a replay from that offset would read them. */
    List<Fed> from(long offset) {
        return records.stream().filter(f -> f.offset() >= offset).toList();
    }

    byte[] keyframe(int index) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (inBandParameterSets) {
            out.writeBytes(new byte[] {0, 0, 0, 1});
            out.writeBytes(SPS);
            out.writeBytes(new byte[] {0, 0, 0, 1});
            out.writeBytes(PPS);
        }
        out.writeBytes(new byte[] {0, 0, 0, 1});
        out.writeBytes(filler(0x65, index, 40));
        return out.toByteArray();
    }

    static byte[] slice(int index) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 0, 0, 1});
        out.writeBytes(filler(0x41, index, 12));
        return out.toByteArray();
    }

    /** A NAL unit (or AAC frame) starting with {@code header}, then bytes derived from {@code index}, none zero. */
    static byte[] filler(int header, int index, int length) {
        byte[] b = new byte[length];
        b[0] = (byte) header;
        for (int i = 1; i < length; i++) {
            b[i] = (byte) (0x80 | ((index * 31 + i) & 0x7F));
        }
        return b;
    }

    static StreamSegmenterHarness segmenter() {
        return new StreamSegmenterHarness(new StreamSegmenter(
                io.kvr.runtime.stream.StreamName.parse("live/door"),
                3,
                "kvr",
                () -> new io.kvr.policy.EffectivePolicy(true, 2000, 0, "")));
    }
}
