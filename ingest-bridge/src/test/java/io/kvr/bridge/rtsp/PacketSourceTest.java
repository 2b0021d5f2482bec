package io.kvr.bridge.rtsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.bridge.camera.CameraUrlPolicy;
import io.kvr.runtime.config.Secrets;
import io.kvr.schemas.Codec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Opening failures against local sockets, and reading a local file of a codec the RTSP test camera cannot serve;
 * reading real cameras is covered by the launcher's camera ITs.
 */
class PacketSourceTest {
    private static final String PASSWORD = "s3cret-pw";
    private static final String RTSP = "tcp,udp,rtp";

    @Test
    void aRefusedConnectionSaysSoWithoutTheCredentials() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "rtsp://kvr:" + PASSWORD + "@127.0.0.1:" + port + "/cam";
        PacketSource source = new PacketSource(Secrets.redactUrl(url), "tcp", Duration.ofSeconds(2), RTSP);

        assertThatThrownBy(() -> source.open(url, Duration.ofSeconds(5)))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("rtsp://***@127.0.0.1:" + port + "/cam")
                .hasMessageContaining("Connection refused")
                .satisfies(e -> assertThat(e.toString()).doesNotContain(PASSWORD))
                .satisfies(e -> assertThat(e.getSuppressed())
                        .allSatisfy(s -> assertThat(s.toString()).doesNotContain(PASSWORD)));
    }

    @Test
    void aProtocolOffTheWhitelistIsNotOpened(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("not-media.txt");
        Files.writeString(file, "no media in here");
        String url = "file://" + file;

        assertThatThrownBy(() ->
                        new PacketSource(url, "tcp", Duration.ofSeconds(2), RTSP).open(url, Duration.ofSeconds(5)))
                .isInstanceOf(SourceException.class)
                .hasMessage("cannot open " + url + ": Invalid argument");
        // allowed, FFmpeg reads the file and finds no media in it
        assertThatThrownBy(() ->
                        new PacketSource(url, "tcp", Duration.ofSeconds(2), "file").open(url, Duration.ofSeconds(5)))
                .isInstanceOf(SourceException.class)
                .message()
                .doesNotContain("Invalid argument");
    }

    /** What each default scheme needs is on its whitelist: a closed port is refused, not the protocol. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"rtsp", "rtsps", "rtmp", "rtmps"})
    void everyDefaultSchemeGetsTheProtocolsItNeeds(String scheme) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = scheme + "://127.0.0.1:" + port + "/live/cam";
        String protocols = CameraUrlPolicy.defaults().protocols(url);

        assertThatThrownBy(() ->
                        new PacketSource(url, "tcp", Duration.ofSeconds(2), protocols).open(url, Duration.ofSeconds(5)))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("Connection refused");
        assertThatThrownBy(() ->
                        new PacketSource(url, "tcp", Duration.ofSeconds(2), "udp").open(url, Duration.ofSeconds(5)))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("Invalid argument");
    }

    @Test
    void aPeerThatAcceptsAndNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                Holder held = new Holder(silent)) {
            String url = "rtsp://127.0.0.1:" + silent.getLocalPort() + "/cam";
            PacketSource source = new PacketSource(url, "tcp", Duration.ofMillis(500), RTSP);
            long start = System.nanoTime();

            assertThatThrownBy(() -> source.open(url, Duration.ofMillis(1500)))
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("cannot open " + url);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void abortEndsAHungOpeningFromAnotherThread() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                Holder held = new Holder(silent)) {
            String url = "rtsp://127.0.0.1:" + silent.getLocalPort() + "/cam";
            PacketSource source = new PacketSource(url, "tcp", Duration.ofSeconds(30), RTSP);
            CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
                try {
                    source.open(url, Duration.ofSeconds(60));
                    return null;
                } catch (SourceException e) {
                    return e;
                }
            });
            Thread.sleep(300);
            long start = System.nanoTime();
            source.abort();

            assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(SourceException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    /** MPEG-4 Part 2 video and G.711 A-law audio, as FFmpeg's own encoders make them, read as packets. */
    @Test
    void readsMpeg4Part2AndG711ALaw(@TempDir Path dir) throws Exception {
        Path clip = dir.resolve("mpeg4-alaw.mov");
        String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        Process p = new ProcessBuilder(
                        ffmpeg,
                        "-nostdin",
                        "-v",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=size=320x180:rate=25:duration=2",
                        "-f",
                        "lavfi",
                        "-i",
                        "sine=frequency=440:sample_rate=8000:duration=2",
                        "-c:v",
                        "mpeg4",
                        "-g",
                        "25",
                        "-c:a",
                        "pcm_alaw",
                        "-f",
                        "mov",
                        clip.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as(new String(p.getInputStream().readAllBytes()))
                .isZero();

        List<Packet> packets = new ArrayList<>();
        try (PacketSource source = new PacketSource(clip.toString(), "tcp", Duration.ofSeconds(5), "file")
                .open(clip.toString(), Duration.ofSeconds(10))) {
            assertThat(source.tracks()).extracting(SourceTrack::codec).containsExactly(Codec.MPEG4, Codec.PCM_ALAW);
            SourceTrack video = source.tracks().get(0);
            assertThat(video.video()).isTrue();
            assertThat(video.width()).isEqualTo(320);
            assertThat(video.extradata()).as("VOL header").isNotEmpty();
            assertThat(source.tracks().get(1).sampleRate()).isEqualTo(8000);
            for (Packet packet = source.next(); packet != null; packet = source.next()) {
                packets.add(packet);
            }
        }
        List<Packet> video = packets.stream().filter(x -> x.track() == 0).toList();
        assertThat(video).hasSize(50);
        assertThat(video).filteredOn(Packet::keyframe).hasSize(2);
        assertThat(packets).filteredOn(x -> x.track() == 1).isNotEmpty();
    }

    /**
     * An aborted read ends the stream without a packet. libavformat answers an interrupted read by flushing its
     * parsers and returning what they held, an access unit cut short (at a stop seen as only its delimiter); a raw
     * H.264 stream goes through the same parser as RTSP's, and its reads are buffered, so packets are still ready
     * when the abort comes.
     */
    @Test
    void noPacketIsHandedOutOnceAborted(@TempDir Path dir) throws Exception {
        Path clip = dir.resolve("clip.h264");
        String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        Process p = new ProcessBuilder(
                        ffmpeg,
                        "-nostdin",
                        "-v",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=size=320x180:rate=25:duration=2",
                        "-c:v",
                        "libopenh264",
                        "-f",
                        "h264",
                        clip.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as(new String(p.getInputStream().readAllBytes()))
                .isZero();

        try (PacketSource source = new PacketSource(clip.toString(), "tcp", Duration.ofSeconds(5), "file")
                .open(clip.toString(), Duration.ofSeconds(10))) {
            assertThat(source.next()).isNotNull();
            source.abort();

            assertThatThrownBy(source::next).isInstanceOf(SourceException.class).hasMessageContaining("stopped");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "AV_CODEC_ID_H264, H264",
        "AV_CODEC_ID_HEVC, H265",
        "AV_CODEC_ID_MPEG4, MPEG4",
        "AV_CODEC_ID_AAC, AAC",
        "AV_CODEC_ID_PCM_MULAW, PCM_MULAW",
        "AV_CODEC_ID_PCM_ALAW, PCM_ALAW",
        "AV_CODEC_ID_OPUS, OPUS",
        "AV_CODEC_ID_MJPEG, UNKNOWN",
    })
    void mapsFfmpegCodecs(String ffmpegId, Codec codec) throws ReflectiveOperationException {
        int id = avcodec.class.getField(ffmpegId).getInt(null);

        assertThat(PacketSource.codec(id)).isEqualTo(codec);
    }

    /** Accepts connections and holds them open without a word. */
    private static final class Holder implements AutoCloseable {
        private final List<Socket> held = new ArrayList<>();
        private final Thread thread;

        Holder(ServerSocket server) {
            thread = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        synchronized (held) {
                            held.add(s);
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() throws IOException {
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
            thread.interrupt();
        }
    }
}
