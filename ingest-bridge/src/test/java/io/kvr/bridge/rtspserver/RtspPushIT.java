package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.bridge.BridgeConfig;
import io.kvr.bridge.IngestBridge;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.runtime.config.Settings;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import io.kvr.testsupport.FFmpegTools;
import io.kvr.testsupport.FreePort;
import io.kvr.testsupport.rig.EmbeddedRig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FFmpeg pushes H.264 + AAC to the bridge's RTSP server; the stream reaches the media topic as a camera's would. */
class RtspPushIT {
    @TempDir
    static Path data;

    private static EmbeddedRig rig;
    private static IngestBridge bridge;
    private static int port;

    @BeforeAll
    static void start() {
        rig = EmbeddedRig.start(data, 1);
        port = FreePort.pick();
        Map<String, String> s = new HashMap<>(rig.settings());
        s.put("rtsp.enabled", "true");
        s.put("rtsp.host", "127.0.0.1");
        s.put("rtsp.port", Integer.toString(port));
        s.put("publish.open", "true");
        bridge = IngestBridge.start(BridgeConfig.from(Settings.of(s)), new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void ffmpegPushOfH264AndAacIsRecorded() throws Exception {
        FFmpegTools.Result pushed = FFmpegTools.ffmpeg(
                Duration.ofSeconds(60),
                "-v",
                "error",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=640x360:rate=25",
                "-f",
                "lavfi",
                "-i",
                "sine",
                "-t",
                "5",
                "-c:v",
                "libopenh264",
                "-g",
                "25",
                "-c:a",
                "aac",
                "-f",
                "rtsp",
                "-rtsp_transport",
                "tcp",
                "rtsp://127.0.0.1:" + port + "/push/cam1");
        assertThat(pushed.ok()).as(pushed.describe()).isTrue();

        List<Object> records = read("push/cam1", Duration.ofSeconds(30), 100);
        StreamInfo info = (StreamInfo) records.stream()
                .filter(StreamInfo.class::isInstance)
                .findFirst()
                .orElseThrow();
        assertThat(info.getTracks()).extracting(TrackInfo::getCodec).containsExactly(Codec.H264, Codec.AAC);
        assertThat(info.getTracks().get(0).getWidth()).isEqualTo(640);
        assertThat(info.getTracks().get(0).getHeight()).isEqualTo(360);
        assertThat(info.getTracks().get(1).getSampleRate()).isEqualTo(44100);
        List<AccessUnit> video = records.stream()
                .filter(AccessUnit.class::isInstance)
                .map(AccessUnit.class::cast)
                .filter(u -> u.getTrack() == 0)
                .toList();
        assertThat(video.stream().filter(AccessUnit::getKeyframe).count()).isGreaterThanOrEqualTo(3);
        // 5 s at 25 fps; the first keyframe may take a moment, the last units may be cut by TEARDOWN
        assertThat(video).hasSizeBetween(90, 130);
        assertThat(records.stream()
                        .filter(AccessUnit.class::isInstance)
                        .map(AccessUnit.class::cast)
                        .filter(u -> u.getTrack() == 1)
                        .count())
                .isGreaterThan(150); // 5 s of 1024-sample frames at 44.1 kHz: ~215
    }

    @Test
    void garbageAfterAnnounceClosesThatConnectionOnly() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            String sdp = PublishSessionTest.SDP;
            out.write(("ANNOUNCE rtsp://127.0.0.1:" + port + "/push/garbage RTSP/1.0\r\nCSeq: 1\r\n"
                            + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp)
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[RtspServer.MAX_HEADER_BYTES * 2]);
            out.flush();
            s.setSoTimeout(10_000);
            byte[] answer = s.getInputStream().readAllBytes(); // returns at the server's close
            assertThat(new String(answer, StandardCharsets.US_ASCII)).startsWith("RTSP/1.0 200");
        }
        // the server still takes pushes
        FFmpegTools.Result pushed = FFmpegTools.ffmpeg(
                Duration.ofSeconds(60),
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=320x180:rate=25",
                "-t",
                "2",
                "-c:v",
                "libopenh264",
                "-g",
                "25",
                "-f",
                "rtsp",
                "-rtsp_transport",
                "tcp",
                "rtsp://127.0.0.1:" + port + "/push/cam2");
        assertThat(pushed.ok()).as(pushed.describe()).isTrue();
        List<Object> records = read("push/cam2", Duration.ofSeconds(30), 10);
        assertThat(records).anyMatch(StreamInfo.class::isInstance);
    }

    /** The records of {@code stream} on the media topic, once at least {@code units} access units are there. */
    private static List<Object> read(String stream, Duration timeout, int units) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, rig.kafkaBootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        MediaRecords decoder = new MediaRecords();
        List<Object> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            String topic = rig.topics().media();
            List<TopicPartition> all = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long deadline = System.nanoTime() + timeout.toNanos();
            long count = 0;
            while (System.nanoTime() < deadline) {
                var polled = consumer.poll(Duration.ofMillis(1000));
                if (polled.isEmpty() && count >= units) {
                    break; // the push is over: everything of it is read
                }
                for (ConsumerRecord<String, byte[]> r : polled) {
                    if (!stream.equals(r.key())) {
                        continue;
                    }
                    Object decoded = decoder.decode(r.headers(), r.value());
                    out.add(decoded);
                    if (decoded instanceof AccessUnit) {
                        count++;
                    }
                }
            }
        }
        return out;
    }
}
