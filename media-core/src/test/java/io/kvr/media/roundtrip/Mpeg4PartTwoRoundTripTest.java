package io.kvr.media.roundtrip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kvr.media.cmaf.CmafWriter;
import io.kvr.media.cmaf.MediaSegment;
import io.kvr.media.cmaf.Sample;
import io.kvr.media.cmaf.SampleQueue;
import io.kvr.media.cmaf.Track;
import io.kvr.media.cmaf.TrackSamples;
import io.kvr.media.codec.Mpeg4VisualFormat;
import io.kvr.media.codec.mpeg4.VisualStartCodes;
import io.kvr.media.mp4.InitSegment;
import io.kvr.media.mp4.ProgressiveMp4;
import io.kvr.media.mp4.SampleTable;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avcodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MPEG-4 Part 2 clip made by the bundled FFmpeg (its native mpeg4 encoder, in MPEG-TS so the VOS/VOL header
 * travels in band as it does over RTSP), read packet by packet, written as mp4v CMAF with kvr's CmafWriter and as a
 * progressive MP4 with ProgressiveMp4, then probed and decoded by the bundled ffprobe / ffmpeg.
 */
class Mpeg4PartTwoRoundTripTest {

    private static final int SECONDS = 4;
    private static final int FPS = 25;

    @TempDir
    static Path dir;

    private static DemuxedClip clip;

    @BeforeAll
    static void generateClip() throws Exception {
        Path ts = dir.resolve("mpeg4.ts");
        BundledFfmpeg.Result result = BundledFfmpeg.ffmpeg(
                "-v",
                "error",
                "-nostdin",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=640x360:rate=" + FPS,
                "-t",
                String.valueOf(SECONDS),
                "-c:v",
                "mpeg4",
                "-g",
                String.valueOf(FPS),
                "-bf",
                "0",
                "-b:v",
                "400k",
                "-y",
                ts.toString());
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        clip = DemuxedClip.read(ts);
        assertThat(clip.video().codecId()).isEqualTo(avcodec.AV_CODEC_ID_MPEG4);
    }

    @Test
    void intraVopsAreExactlyTheDemuxersKeyframes() {
        List<DemuxedClip.Packet> packets = clip.packetsOf(clip.video());
        assertThat(packets).hasSize(SECONDS * FPS);
        for (DemuxedClip.Packet p : packets) {
            assertThat(VisualStartCodes.isIntraVop(p.data()))
                    .as("packet at dts %d", p.dts())
                    .isEqualTo(p.key());
        }
        assertThat(packets.stream().filter(DemuxedClip.Packet::key).count()).isEqualTo(SECONDS);
    }

    @Test
    void fragmentedMp4WithMp4vPlays() throws Exception {
        Mpeg4VisualFormat format = format();
        assertThat(format.width()).isEqualTo(640);
        assertThat(format.height()).isEqualTo(360);
        assertThat(format.codecsString()).startsWith("mp4v.20.");

        CmafWriter writer = new CmafWriter(List.of(Track.video(1, format)));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(writer.initSegment());
        List<List<Sample>> fragments = fragments();
        for (int i = 0; i < fragments.size(); i++) {
            MediaSegment segment = writer.mediaSegment(i + 1, List.of(new TrackSamples(1, fragments.get(i))));
            file.writeBytes(segment.bytes());
        }
        assertThat(fragments).hasSize(SECONDS);

        assertPlays(Files.write(dir.resolve("fragmented.mp4"), file.toByteArray()));
    }

    @Test
    void progressiveMp4FromTheInitSegmentPlays() throws Exception {
        InitSegment init = InitSegment.parse(new CmafWriter(List.of(Track.video(1, format()))).initSegment());
        SampleTable table = new SampleTable();
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        table.startChunk(0);
        for (List<Sample> fragment : fragments()) {
            for (Sample s : fragment) {
                table.add(s.decodeTime(), s.duration(), s.payload().length, s.compositionOffset(), s.sync());
                payload.writeBytes(s.payload());
            }
        }
        List<ProgressiveMp4.Track> tracks =
                List.of(new ProgressiveMp4.Track(init.track(1).orElseThrow(), table));
        byte[] header = ProgressiveMp4.header(tracks, 0, SECONDS * 1_000_000L, payload.size());
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(header);
        file.writeBytes(payload.toByteArray());

        assertPlays(Files.write(dir.resolve("progressive.mp4"), file.toByteArray()));
    }

    /** From the extradata when the demuxer gives it, else from the first keyframe's in-band header. */
    private static Mpeg4VisualFormat format() {
        Mpeg4VisualFormat inBand = Mpeg4VisualFormat.fromAccessUnit(
                        clip.packetsOf(clip.video()).getFirst().data())
                .orElseThrow();
        if (clip.video().extradata().length > 0) {
            assertThat(Mpeg4VisualFormat.fromExtradata(clip.video().extradata()))
                    .isEqualTo(inBand);
        }
        return inBand;
    }

    /** The video packets in 90 kHz from 0, one fragment per GOP. */
    private static List<List<Sample>> fragments() {
        List<DemuxedClip.Packet> packets = clip.packetsOf(clip.video());
        long start = packets.getFirst().dts();
        SampleQueue queue = new SampleQueue();
        List<List<Sample>> out = new ArrayList<>();
        for (DemuxedClip.Packet p : packets) {
            long dts = ticks(p.dts() - start);
            if (p.key() && !queue.isEmpty()) {
                out.add(queue.drain(dts));
            }
            queue.add(dts, Math.toIntExact(ticks(p.pts() - start) - dts), p.key(), p.data());
        }
        out.add(queue.drainWithLastDuration(Track.VIDEO_TIMESCALE / FPS));
        return out;
    }

    private static long ticks(long value) {
        return Math.floorDiv(
                value * clip.video().timeBaseNum() * Track.VIDEO_TIMESCALE,
                clip.video().timeBaseDen());
    }

    private static void assertPlays(Path file) throws Exception {
        BundledFfmpeg.Result probe = BundledFfmpeg.ffprobe(
                "-v",
                "error",
                "-count_frames",
                "-select_streams",
                "v:0",
                "-show_entries",
                "stream=codec_name,codec_tag_string,width,height,nb_read_frames,duration",
                "-of",
                "default=noprint_wrappers=1",
                file.toString());
        assertThat(probe.exitCode()).as(probe.stderr()).isZero();
        assertThat(probe.stderr()).isEmpty();
        Map<String, String> video = new HashMap<>();
        for (String line : probe.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                video.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        assertThat(video)
                .containsEntry("codec_name", "mpeg4")
                .containsEntry("codec_tag_string", "mp4v")
                .containsEntry("width", "640")
                .containsEntry("height", "360")
                .containsEntry("nb_read_frames", String.valueOf(SECONDS * FPS));
        assertThat(Double.parseDouble(video.get("duration"))).isCloseTo(SECONDS, within(0.05));

        BundledFfmpeg.Result decode =
                BundledFfmpeg.ffmpeg("-v", "error", "-nostdin", "-i", file.toString(), "-f", "null", "-");
        assertThat(decode.exitCode()).isZero();
        assertThat(decode.stderr()).isEmpty();
    }
}
