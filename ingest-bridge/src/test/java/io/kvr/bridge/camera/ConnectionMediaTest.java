package io.kvr.bridge.camera;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.bridge.camera.ConnectionMedia.NewSession;
import io.kvr.bridge.camera.ConnectionMedia.Output;
import io.kvr.bridge.camera.ConnectionMedia.Unit;
import io.kvr.bridge.rtsp.Packet;
import io.kvr.bridge.rtsp.SourceTrack;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Packets in, sessions and access units out, with no camera and no Kafka: what a session announces, how units
 * are numbered and timed, the new session a changed SPS starts, the transcoded AAC track, and the corrections
 * told to the supervisor.
 */
class ConnectionMediaTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final CameraConfig CAMERA = new CameraConfig(
            StreamName.parse("site/door"),
            "rtsp://admin:hunter2@10.0.0.5/live",
            CameraConfig.TCP,
            CameraConfig.CLOCK_SERVER);
    private static final long OPENING_AT = 1_800_000_000_000L;
    private static final long NOW = OPENING_AT + 1_500;
    private static final int FRAME = 3600; // 40 ms at 90 kHz
    private static final byte[] SPS_640X360 = HEX.parseHex("6742c01ed900a02ff97016a0c0c0d4a0000003002000000791e2c5c9");
    private static final byte[] PPS_640X360 = HEX.parseHex("68cb8cb2");
    private static final byte[] SPS_1080P =
            HEX.parseHex("67640028acd940780227e5c05a808080a0000003002000000791e30632c0");
    private static final byte[] PPS_1080P = HEX.parseHex("68ebecb22c");
    private static final byte[] IDR = HEX.parseHex("65888040ffee");
    private static final byte[] SLICE = HEX.parseHex("419a2238");
    private static final byte[] ASC = HEX.parseHex("1188"); // AAC-LC, 48 kHz, mono
    private static final SourceTrack VIDEO =
            new SourceTrack(0, Codec.H264, true, 1, 90_000, 640, 360, 0, 0, annexB(SPS_640X360, PPS_640X360), 25, 1);
    private static final SourceTrack AAC = new SourceTrack(1, Codec.AAC, false, 1, 48_000, 0, 0, 48_000, 1, ASC, 0, 0);

    private final List<String> events = new ArrayList<>();
    private final List<Output> out = new ArrayList<>();

    @Test
    void theFirstSessionDescribesTheTracksAndItsUnitsFollowNumberedAndTimed() {
        try (ConnectionMedia media = media(List.of(VIDEO, AAC))) {
            media.start(out);
            for (int i = 0; i < 10; i++) {
                media.accept(
                        video(i, i == 0 ? annexB(SPS_640X360, PPS_640X360, IDR) : annexB(SLICE)), NO_CAMERA_CLOCK, out);
            }
            media.flush(NO_CAMERA_CLOCK, out);
        }

        NewSession session = (NewSession) out.get(0);
        StreamInfo info = session.info();
        assertThat(session.why()).isEqualTo("connected");
        assertThat(session.tracks()).isEqualTo("H264 640x360, AAC 48000Hz");
        assertThat(info.getStreamId()).isEqualTo("site/door");
        assertThat(info.getStartedAtMs()).isEqualTo(NOW);
        assertThat(info.getSourceUrl()).contains("***@10.0.0.5").doesNotContain("hunter2");
        assertThat(info.getTracks())
                .extracting(TrackInfo::getTrack, TrackInfo::getCodec, TrackInfo::getWidth, TrackInfo::getSampleRate)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, Codec.H264, 640, 0),
                        org.assertj.core.groups.Tuple.tuple(1, Codec.AAC, 0, 48_000));
        assertThat(bytes(info.getTracks().get(0).getExtradata())).isEqualTo(annexB(SPS_640X360, PPS_640X360));

        List<AccessUnit> units = units(out);
        assertThat(out.subList(1, out.size()))
                .as("one session: units only")
                .allSatisfy(o -> assertThat(o).isInstanceOf(Unit.class));
        assertThat(units).hasSize(10).allSatisfy(u -> {
            assertThat(u.getIngestSessionId()).isEqualTo(info.getIngestSessionId());
            assertThat(u.getStreamId()).isEqualTo("site/door");
            assertThat(u.getTimebaseDen()).isEqualTo(90_000);
        });
        assertThat(units).extracting(AccessUnit::getSequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(units)
                .extracting(AccessUnit::getKeyframe)
                .containsExactly(true, false, false, false, false, false, false, false, false, false);
        assertThat(units.get(0).getPts())
                .as("every timestamp is 10 s ahead")
                .isEqualTo(ConnectionMedia.TIMESTAMP_HEADROOM_MS * 90);
        assertThat(units)
                .extracting(AccessUnit::getCaptureTimeMs)
                .as("server clock: from the opening, 40 ms a frame")
                .containsExactly(
                        OPENING_AT,
                        OPENING_AT + 40,
                        OPENING_AT + 80,
                        OPENING_AT + 120,
                        OPENING_AT + 160,
                        OPENING_AT + 200,
                        OPENING_AT + 240,
                        OPENING_AT + 280,
                        OPENING_AT + 320,
                        OPENING_AT + 360);
        assertThat(events).isEmpty();
    }

    @Test
    void aKeyframeWithNewParameterSetsStartsASessionWithThemBeforeIt() {
        try (ConnectionMedia media = media(List.of(VIDEO))) {
            media.start(out);
            for (int i = 0; i < 10; i++) {
                byte[] payload = i == 0
                        ? annexB(SPS_640X360, PPS_640X360, IDR)
                        : i == 5 ? annexB(SPS_1080P, PPS_1080P, IDR) : annexB(SLICE);
                media.accept(video(i, payload), NO_CAMERA_CLOCK, out);
            }
            media.flush(NO_CAMERA_CLOCK, out);
        }

        assertThat(out).hasSize(12);
        assertThat(out.get(6)).isInstanceOfSatisfying(NewSession.class, s -> {
            assertThat(s.why()).isEqualTo("codec configuration of track 0 changed in band");
            TrackInfo track = s.info().getTracks().get(0);
            assertThat(track.getWidth()).isEqualTo(1920);
            assertThat(track.getHeight()).isEqualTo(1080);
            assertThat(bytes(track.getExtradata())).isEqualTo(annexB(SPS_1080P, PPS_1080P));
            assertThat(s.tracks()).isEqualTo("H264 1920x1080");
            assertThat(s.info().getIngestSessionId())
                    .isNotEqualTo(((NewSession) out.get(0)).info().getIngestSessionId());
        });
        AccessUnit firstOfNew = ((Unit) out.get(7)).unit();
        assertThat(firstOfNew.getKeyframe()).isTrue();
        assertThat(firstOfNew.getSequence())
                .as("numbered from 0 in the new session")
                .isZero();
        assertThat(firstOfNew.getIngestSessionId())
                .isEqualTo(((NewSession) out.get(6)).info().getIngestSessionId());
        assertThat(((Unit) out.get(5)).unit().getSequence()).isEqualTo(4);
    }

    @Test
    void theSameParameterSetsRepeatedInBandStartNoSession() {
        try (ConnectionMedia media = media(List.of(VIDEO))) {
            media.start(out);
            for (int i = 0; i < 10; i++) {
                media.accept(
                        video(i, i % 5 == 0 ? annexB(SPS_640X360, PPS_640X360, IDR) : annexB(SLICE)),
                        NO_CAMERA_CLOCK,
                        out);
            }
            media.flush(NO_CAMERA_CLOCK, out);
        }

        assertThat(out).filteredOn(NewSession.class::isInstance).hasSize(1);
        assertThat(units(out)).hasSize(10);
    }

    @Test
    void g711AudioIsAlsoGivenAsATranscodedAacTrack() {
        SourceTrack mulaw = new SourceTrack(1, Codec.PCM_MULAW, false, 1, 8000, 0, 0, 8000, 1, new byte[0], 0, 0);
        try (ConnectionMedia media = media(List.of(VIDEO, mulaw))) {
            media.start(out);
            for (int i = 0; i < 100; i++) { // 2 s of 20 ms packets
                media.accept(
                        new Packet(1, true, i * 160L, i * 160L, new byte[160], OPENING_AT + i * 20L),
                        NO_CAMERA_CLOCK,
                        out);
            }
            media.flush(NO_CAMERA_CLOCK, out);
        }

        NewSession session = (NewSession) out.get(0);
        assertThat(session.tracks()).contains("(track 2, transcoded from PCM_MULAW)");
        TrackInfo aac = session.info().getTracks().get(2);
        assertThat(aac.getCodec()).isEqualTo(Codec.AAC);
        assertThat(aac.getTimebaseDen()).isEqualTo(aac.getSampleRate());
        assertThat(out)
                .filteredOn(o -> o instanceof Unit u && !u.transcoded())
                .hasSize(100)
                .allSatisfy(o -> assertThat(((Unit) o).unit().getCodec()).isEqualTo(Codec.PCM_MULAW));
        List<AccessUnit> transcoded = out.stream()
                .filter(o -> o instanceof Unit u && u.transcoded())
                .map(o -> ((Unit) o).unit())
                .toList();
        assertThat(transcoded).hasSizeGreaterThan(10).allSatisfy(u -> {
            assertThat(u.getTrack()).isEqualTo(2);
            assertThat(u.getCodec()).isEqualTo(Codec.AAC);
            assertThat(u.getKeyframe()).isTrue();
            assertThat(u.getCaptureTimeMs()).isBetween(OPENING_AT - 200, OPENING_AT + 2_200);
        });
        assertThat(units(out))
                .extracting(AccessUnit::getSequence)
                .as("one numbering for every track")
                .isSorted()
                .doesNotHaveDuplicates();
    }

    @Test
    void repeatedAndJumpingTimestampsAreTold() {
        try (ConnectionMedia media = media(List.of(VIDEO, AAC))) {
            media.start(out);
            long[] pts = {0, 1024, 2048, 2048, 2048, 3072, 0};
            for (int i = 0; i < pts.length; i++) {
                media.accept(
                        new Packet(1, true, pts[i], pts[i], new byte[8], OPENING_AT + i * 21L), NO_CAMERA_CLOCK, out);
            }
        }

        assertThat(events).containsExactly("repeat 1 1 first", "repeat 1 1", "jump 1 85");
        assertThat(units(out))
                .extracting(AccessUnit::getPts)
                .as("never backwards")
                .isSorted();
    }

    @Test
    void captureTimesStayAboveThePreviousConnectionsAndUnknownTracksAreLeftOut() {
        long floor = OPENING_AT + 5_000;
        SourceTrack audioOnly = new SourceTrack(0, Codec.AAC, false, 1, 48_000, 0, 0, 48_000, 1, ASC, 0, 0);
        try (ConnectionMedia media =
                new ConnectionMedia(CAMERA, List.of(audioOnly), OPENING_AT, floor, () -> NOW, new Recorder())) {
            media.start(out);
            media.accept(new Packet(7, true, 0, 0, new byte[8], OPENING_AT), NO_CAMERA_CLOCK, out);
            media.accept(new Packet(0, true, 0, 0, new byte[8], OPENING_AT), NO_CAMERA_CLOCK, out);
            media.accept(new Packet(0, true, 1024, 1024, new byte[8], OPENING_AT + 21), NO_CAMERA_CLOCK, out);
        }

        assertThat(units(out)).hasSize(2).allSatisfy(u -> {
            assertThat(u.getTrack()).isZero();
            assertThat(u.getCaptureTimeMs()).isGreaterThanOrEqualTo(floor);
        });
    }

    private static final long NO_CAMERA_CLOCK = Packet.NO_TIMESTAMP;

    private ConnectionMedia media(List<SourceTrack> tracks) {
        return new ConnectionMedia(CAMERA, tracks, OPENING_AT, Long.MIN_VALUE, () -> NOW, new Recorder());
    }

    /** Video frame {@code i} of a 25 fps stream, arriving as it was captured. */
    private static Packet video(int i, byte[] payload) {
        return new Packet(0, payload[4] == 0x67, (long) i * FRAME, (long) i * FRAME, payload, OPENING_AT + i * 40L);
    }

    private static List<AccessUnit> units(List<Output> outputs) {
        return outputs.stream()
                .filter(Unit.class::isInstance)
                .map(o -> ((Unit) o).unit())
                .toList();
    }

    private static byte[] annexB(byte[]... nalUnits) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] n : nalUnits) {
            b.writeBytes(new byte[] {0, 0, 0, 1});
            b.writeBytes(n);
        }
        return b.toByteArray();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** Writes down what the connection media tells. */
    private final class Recorder implements ConnectionMedia.Events {
        @Override
        public void timestampsRepeated(int track, long count, boolean first) {
            events.add("repeat " + track + " " + count + (first ? " first" : ""));
        }

        @Override
        public void timestampsJumped(int track, long correctionMs) {
            events.add("jump " + track + " " + correctionMs);
        }

        @Override
        public void noAacTrack(Codec codec, String reason) {
            events.add("no aac " + codec);
        }
    }
}
