package io.kvr.bridge.rtsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TrackTimelineTest {
    private static final long N = Packet.NO_TIMESTAMP;
    private static final long F = 3600; // one frame at 25 fps, 90 kHz

    /** One input packet: pts, dts, arrival (ms). */
    record In(long pts, long dts, long arrivalMs) {}

    static In in(long pts, long dts, long arrivalMs) {
        return new In(pts, dts, arrivalMs);
    }

    /** Packets every 40 ms of arrival with these pts and no dts. */
    static In[] every40ms(long... pts) {
        In[] out = new In[pts.length];
        for (int i = 0; i < pts.length; i++) {
            out[i] = in(pts[i], N, 1000 + 40L * i);
        }
        return out;
    }

    static List<TrackTimeline.Timed> run(boolean video, int tbDen, long frameTicks, In... packets) {
        TrackTimeline timeline = new TrackTimeline(video, 1, tbDen, frameTicks);
        List<TrackTimeline.Timed> out = new ArrayList<>();
        for (In p : packets) {
            timeline.accept(new Packet(0, false, p.pts, p.dts, new byte[0], p.arrivalMs), out);
        }
        timeline.flush(out);
        return out;
    }

    static long[] pts(List<TrackTimeline.Timed> out) {
        return out.stream().mapToLong(TrackTimeline.Timed::pts).toArray();
    }

    static long[] dts(List<TrackTimeline.Timed> out) {
        return out.stream().mapToLong(TrackTimeline.Timed::dts).toArray();
    }

    static Stream<Arguments> videoCases() {
        return Stream.of(
                Arguments.of(
                        "steady, dts taken from pts",
                        every40ms(0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 7 * F),
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 7 * F},
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 7 * F}),
                // FFmpeg over RTSP: the first keyframe has neither pts nor dts, the next frame's pts is not 0
                Arguments.of(
                        "first keyframe without timestamps",
                        every40ms(N, 4468, 4468 + F, 4468 + 2 * F, 4468 + 3 * F, 4468 + 4 * F, 4468 + 5 * F),
                        new long[] {868, 4468, 4468 + F, 4468 + 2 * F, 4468 + 3 * F, 4468 + 4 * F, 4468 + 5 * F},
                        new long[] {868, 4468, 4468 + F, 4468 + 2 * F, 4468 + 3 * F, 4468 + 4 * F, 4468 + 5 * F}),
                // x264 bframes=2, no pyramid, decode order I P B B P B B P, the keyframe without timestamps
                Arguments.of(
                        "B-frames: dts derived with one frame of reorder delay",
                        every40ms(N, 3 * F, F, 2 * F, 6 * F, 4 * F, 5 * F, 9 * F, 7 * F, 8 * F),
                        new long[] {0, 3 * F, F, 2 * F, 6 * F, 4 * F, 5 * F, 9 * F, 7 * F, 8 * F},
                        new long[] {-F, 0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 7 * F, 8 * F}),
                // b-pyramid: I P4 B2 b1 b3 P8 B6 b5 b7 needs two frames of delay
                Arguments.of(
                        "B-pyramid: two frames of reorder delay",
                        every40ms(0, 4 * F, 2 * F, F, 3 * F, 8 * F, 6 * F, 5 * F, 7 * F),
                        new long[] {0, 4 * F, 2 * F, F, 3 * F, 8 * F, 6 * F, 5 * F, 7 * F},
                        new long[] {-2 * F, -F, 0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F}),
                // a camera that sends dts = 0 on every frame: dts comes from pts
                Arguments.of(
                        "dts = 0 from the camera is ignored",
                        new In[] {
                            in(0, 0, 0),
                            in(F, 0, 40),
                            in(2 * F, 0, 80),
                            in(3 * F, 0, 120),
                            in(4 * F, 0, 160),
                            in(5 * F, 0, 200),
                            in(6 * F, 0, 240)
                        },
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F},
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F}),
                // under load FFmpeg hands out a dozen frames without timestamps: held until two timestamps came
                Arguments.of(
                        "many frames without timestamps at the start",
                        every40ms(N, N, N, N, N, N, N, N, N, N, 10 * F, 11 * F, 12 * F),
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 7 * F, 8 * F, 9 * F, 10 * F, 11 * F, 12 * F
                        },
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 7 * F, 8 * F, 9 * F, 10 * F, 11 * F, 12 * F
                        }),
                Arguments.of(
                        "no pts but a dts: the dts is the pts",
                        new In[] {
                            in(N, 0, 0),
                            in(N, F, 40),
                            in(N, 2 * F, 80),
                            in(N, 3 * F, 120),
                            in(N, 4 * F, 160),
                            in(N, 5 * F, 200)
                        },
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F},
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F}),
                // a packet without timestamps after the warm-up continues one frame after the newest
                Arguments.of(
                        "a later packet without timestamps",
                        every40ms(0, F, 2 * F, 3 * F, 4 * F, 5 * F, N, 7 * F),
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 7 * F},
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 7 * F}),
                // 32-bit RTP timestamps that wrap: time continues
                Arguments.of(
                        "32-bit wraparound",
                        every40ms(0xFFFF_FFFFL - 2 * F + 1, 0xFFFF_FFFFL - F + 1, 0, F, 2 * F, 3 * F, 4 * F),
                        new long[] {
                            0xFFFF_FFFFL - 2 * F + 1,
                            0xFFFF_FFFFL - F + 1,
                            1L << 32,
                            (1L << 32) + F,
                            (1L << 32) + 2 * F,
                            (1L << 32) + 3 * F,
                            (1L << 32) + 4 * F
                        },
                        new long[] {
                            0xFFFF_FFFFL - 2 * F + 1,
                            0xFFFF_FFFFL - F + 1,
                            1L << 32,
                            (1L << 32) + F,
                            (1L << 32) + 2 * F,
                            (1L << 32) + 3 * F,
                            (1L << 32) + 4 * F
                        }),
                // the camera restarts its clock: 20 s back; the track continues one frame on
                Arguments.of(
                        "backward jump re-anchors",
                        every40ms(
                                1_800_000,
                                1_800_000 + F,
                                1_800_000 + 2 * F,
                                1_800_000 + 3 * F,
                                1_800_000 + 4 * F,
                                1_800_000 + 5 * F,
                                0,
                                F,
                                2 * F),
                        new long[] {
                            1_800_000,
                            1_800_000 + F,
                            1_800_000 + 2 * F,
                            1_800_000 + 3 * F,
                            1_800_000 + 4 * F,
                            1_800_000 + 5 * F,
                            1_800_000 + 6 * F,
                            1_800_000 + 7 * F,
                            1_800_000 + 8 * F
                        },
                        new long[] {
                            1_800_000,
                            1_800_000 + F,
                            1_800_000 + 2 * F,
                            1_800_000 + 3 * F,
                            1_800_000 + 4 * F,
                            1_800_000 + 5 * F,
                            1_800_000 + 6 * F,
                            1_800_000 + 7 * F,
                            1_800_000 + 8 * F
                        }),
                // pts leaps 1 h ahead while frames keep arriving every 40 ms: re-anchored
                Arguments.of(
                        "forward jump beyond the arrival clock re-anchors",
                        every40ms(0, F, 2 * F, 3 * F, 4 * F, 5 * F, 324_000_000L, 324_000_000L + F),
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 7 * F},
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 7 * F}),
                // 4 s of lost packets: the arrival clock moved as much, so the gap is real and kept
                Arguments.of(
                        "a real gap is kept",
                        new In[] {
                            in(0, N, 0),
                            in(F, N, 40),
                            in(2 * F, N, 80),
                            in(3 * F, N, 120),
                            in(4 * F, N, 160),
                            in(5 * F, N, 200),
                            in(5 * F + 360_000, N, 4200)
                        },
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 5 * F + 360_000},
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 5 * F + 360_000}),
                // a small step back (an RTCP-driven pts adjustment) is jitter: dts stays increasing, pts not below it
                Arguments.of(
                        "small step back is clamped",
                        every40ms(0, F, 2 * F, 3 * F, 4 * F, 5 * F, 5 * F - 900, 6 * F, 7 * F),
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 5 * F + 1, 6 * F, 7 * F},
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 5 * F + 1, 6 * F, 7 * F}),
                // an RTSP server that resets a shared stream replays timestamps it sent 160 ms before: no
                // reordering repeats a pts, so the track is re-anchored
                Arguments.of(
                        "replayed timestamps re-anchor",
                        every40ms(0, F, 2 * F, 3 * F, 4 * F, 5 * F, F, 2 * F, 3 * F),
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 7 * F, 8 * F},
                        new long[] {0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 7 * F, 8 * F}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("videoCases")
    void video(String name, In[] packets, long[] expectedPts, long[] expectedDts) {
        List<TrackTimeline.Timed> out = run(true, 90_000, F, packets);

        assertThat(pts(out)).as("pts").containsExactly(expectedPts);
        assertThat(dts(out)).as("dts").containsExactly(expectedDts);
        assertMonotonic(out);
    }

    static Stream<Arguments> audioCases() {
        return Stream.of(
                Arguments.of(
                        "G.711 packets of 160 samples",
                        new In[] {in(0, 0, 0), in(160, 160, 20), in(320, 320, 40)},
                        new long[] {0, 160, 320}),
                Arguments.of(
                        "silence suppression: a gap the arrival clock shows",
                        new In[] {in(0, 0, 0), in(160, 160, 20), in(160 + 40_000, N, 5020)},
                        new long[] {0, 160, 40_160}),
                Arguments.of(
                        "camera clock reset on the audio track",
                        new In[] {in(800_000, N, 0), in(800_160, N, 20), in(160, N, 40), in(320, N, 60)},
                        new long[] {800_000, 800_160, 800_320, 800_480}),
                Arguments.of("wraparound", new In[] {in(0xFFFF_FF60L, N, 0), in(0, N, 20), in(160, N, 40)}, new long[] {
                    0xFFFF_FF60L, 1L << 32, (1L << 32) + 160
                }),
                Arguments.of(
                        "audio never goes back: a step back re-anchors",
                        new In[] {in(0, N, 0), in(160, N, 20), in(320, N, 40), in(0, N, 60), in(160, N, 80)},
                        new long[] {0, 160, 320, 480, 640}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("audioCases")
    void audioIsNotHeldBackAndItsDtsIsItsPts(String name, In[] packets, long[] expected) {
        List<TrackTimeline.Timed> out = run(false, 8000, 160, packets);

        assertThat(pts(out)).containsExactly(expected);
        assertThat(dts(out)).containsExactly(expected);
    }

    @Test
    void videoIsHeldBackUntilTheWarmUpEndsOrTheSourceEnds() {
        TrackTimeline timeline = new TrackTimeline(true, 1, 90_000, F);
        List<TrackTimeline.Timed> out = new ArrayList<>();
        for (int i = 0; i < TrackTimeline.WARM_UP - 1; i++) {
            timeline.accept(new Packet(0, i == 0, i * F, N, new byte[] {(byte) i}, i * 40L), out);
        }
        assertThat(out).isEmpty();

        timeline.flush(out);

        assertThat(out).hasSize(TrackTimeline.WARM_UP - 1);
        assertThat(out.get(0).packet().keyframe()).isTrue();
        assertThat(out)
                .extracting(t -> t.packet().payload()[0])
                .containsExactly((byte) 0, (byte) 1, (byte) 2, (byte) 3, (byte) 4);
    }

    @Test
    void madeUpTimestampsAreNotTheSourcesAndCorrectionsAreReported() {
        List<TrackTimeline.Timed> out =
                run(true, 90_000, F, every40ms(N, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 36_000_000L, 36_000_000L + F));

        assertThat(out.get(0).sourcePts()).isEqualTo(N);
        assertThat(out.get(1).sourcePts()).isEqualTo(F);
        assertThat(out)
                .extracting(TrackTimeline.Timed::correction)
                .containsExactly(0L, 0L, 0L, 0L, 0L, 0L, 0L, 7 * F - 36_000_000L, 0L);
        assertThat(out.get(7).sourcePts()).isEqualTo(36_000_000L);
    }

    @Test
    void deeperReorderingLaterKeepsDtsIncreasingAndBelowPts() {
        // starts without B-frames, then the encoder switches to I P B B
        long[] pts = {
            0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 9 * F, 7 * F, 8 * F, 12 * F, 10 * F, 11 * F, 15 * F, 13 * F, 14 * F
        };
        List<TrackTimeline.Timed> out = run(true, 90_000, F, every40ms(pts));

        assertMonotonic(out);
        // once the reordering is known, presentation times are kept again
        assertThat(Arrays.copyOfRange(pts(out), 10, 16))
                .containsExactly(12 * F, 10 * F, 11 * F, 15 * F, 13 * F, 14 * F);
    }

    @Test
    void headroomKeepsDerivedDecodeTimesAboveZero() {
        TrackTimeline timeline = new TrackTimeline(true, 1, 90_000, F, 10_000);
        List<TrackTimeline.Timed> out = new ArrayList<>();
        for (In p : every40ms(N, 3 * F, F, 2 * F, 6 * F, 4 * F)) {
            timeline.accept(new Packet(0, false, p.pts, p.dts, new byte[0], p.arrivalMs), out);
        }

        assertThat(pts(out))
                .containsExactly(
                        900_000, 900_000 + 3 * F, 900_000 + F, 900_000 + 2 * F, 900_000 + 6 * F, 900_000 + 4 * F);
        assertThat(dts(out)[0]).isEqualTo(900_000 - F);
        assertThat(out.get(1).sourcePts()).isEqualTo(3 * F);
    }

    @Test
    void frameDurationComesFromTheFrameRate() {
        SourceTrack video = new SourceTrack(
                0, io.kvr.schemas.Codec.H264, true, 1, 90_000, 640, 360, 0, 0, new byte[0], 30_000, 1001);
        SourceTrack noRate =
                new SourceTrack(0, io.kvr.schemas.Codec.H264, true, 1, 90_000, 640, 360, 0, 0, new byte[0], 0, 0);
        SourceTrack audio =
                new SourceTrack(1, io.kvr.schemas.Codec.PCM_MULAW, false, 1, 8000, 0, 0, 8000, 1, new byte[0], 0, 0);
        SourceTrack timebaseAsRate =
                new SourceTrack(0, io.kvr.schemas.Codec.H264, true, 1, 90_000, 640, 360, 0, 0, new byte[0], 90_000, 1);

        assertThat(TrackTimeline.defaultFrameTicks(video)).isEqualTo(3003);
        assertThat(TrackTimeline.defaultFrameTicks(noRate)).isEqualTo(3600);
        assertThat(TrackTimeline.defaultFrameTicks(audio)).isEqualTo(160);
        assertThat(TrackTimeline.defaultFrameTicks(timebaseAsRate)).isEqualTo(3600);
    }

    @Test
    void aRepeatedTimeIsPlacedOneTickLaterAndCounted() {
        TrackTimeline timeline = new TrackTimeline(true, 1, 90_000, F);
        List<TrackTimeline.Timed> out = new ArrayList<>();
        for (In p : every40ms(0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 6 * F, 7 * F)) {
            timeline.accept(new Packet(0, false, p.pts, p.dts, new byte[0], p.arrivalMs), out);
        }

        assertThat(dts(out)).containsExactly(0, F, 2 * F, 3 * F, 4 * F, 5 * F, 6 * F, 6 * F + 1, 7 * F);
        assertThat(timeline.repeats()).isEqualTo(1);
        assertThat(timeline.jumps()).isZero();
    }

    @Test
    void microsAndRescaleDoNotOverflowForLongRecordings() {
        long tenYears90k = 90_000L * 3600 * 24 * 365 * 10;

        assertThat(TrackTimeline.micros(tenYears90k, 1, 90_000)).isEqualTo(1_000_000L * 3600 * 24 * 365 * 10);
        assertThat(TrackTimeline.micros(-3600, 1, 90_000)).isEqualTo(-40_000);
        assertThat(TrackTimeline.rescale(90_000, 1, 90_000, 8000)).isEqualTo(8000);
        assertThat(TrackTimeline.micros(30, 1001, 30_000)).isEqualTo(1_001_000);
    }

    private static void assertMonotonic(List<TrackTimeline.Timed> out) {
        for (int i = 0; i < out.size(); i++) {
            assertThat(out.get(i).pts())
                    .as("pts >= dts at %d", i)
                    .isGreaterThanOrEqualTo(out.get(i).dts());
            if (i > 0) {
                assertThat(out.get(i).dts())
                        .as("dts increases at %d", i)
                        .isGreaterThan(out.get(i - 1).dts());
            }
        }
    }
}
