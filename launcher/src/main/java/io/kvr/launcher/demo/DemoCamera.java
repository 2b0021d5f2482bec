package io.kvr.launcher.demo;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A camera that needs nothing installed: a Java2D test pattern with the capture time burned in
 * (UTC, to the millisecond), encoded to H.264 with the bundled {@code libopenh264} and sent as
 * MPEG-TS over UDP to {@code 127.0.0.1}.
 *
 * <p>UDP makes it behave like a real camera's multicast/UDP output: the camera keeps no state
 * about its reader, so a reader may connect, disconnect and reconnect at any time, and the
 * camera never blocks on it. Each keyframe (one per second) carries SPS/PPS in band, so a new
 * reader can start decoding within a second.
 *
 * <p>Frames are paced by a scheduled loop on a daemon thread. The frame index comes from
 * elapsed time, never from counting ticks, so a late tick skips frames instead of drifting:
 * frame {@code n} has PTS {@code n} (time base 1/25) and shows the time {@code start + n * 40 ms}.
 * Elapsed time is taken from the monotonic clock, so a wall-clock step after start does not
 * freeze or rewind the stream.
 *
 * <p>Optionally the stream carries AAC audio (48 kHz mono): a quiet beep at the start of each
 * UTC second, paced by the same elapsed time as the video.
 */
public final class DemoCamera implements AutoCloseable {

    public static final int WIDTH = 640;
    public static final int HEIGHT = 360;
    public static final int FRAMES_PER_SECOND = 25;
    public static final int BIT_RATE = 1_000_000;
    public static final int AUDIO_BIT_RATE = 64_000;

    private static final Logger LOG = LoggerFactory.getLogger(DemoCamera.class);
    private static final String HOST = "127.0.0.1";
    /** Seven 188-byte TS packets: the usual payload for MPEG-TS over UDP, below any MTU. */
    private static final int TS_DATAGRAM = 1316;
    /**
     * The reader's FIFO in 188-byte units (~1.9 MB, about 15 s at 1 Mb/s), filled by FFmpeg's
     * receive thread so that a reader that pauses briefly loses nothing.
     */
    private static final int READER_FIFO_PACKETS = 10_000;
    /** The reader gives up after this long without a datagram, so a dead camera is noticed. */
    private static final long READER_TIMEOUT_MICROS = 5_000_000;

    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private final String label;
    private final int port;
    private final FramePainter painter;
    private final boolean withAudio;
    private final BeepTone tone;
    /** One second of mono samples, reused for every audio write. */
    private final short[] samples = new short[BeepTone.SAMPLE_RATE];

    private final FFmpegFrameRecorder recorder;
    private final BufferedImage image;
    private final Frame frame;
    private final ScheduledExecutorService loop;
    private final long startNanos;
    private final long startEpochMillis;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running = true;
    /** Only touched on the loop thread. */
    private long lastFrame = -1;

    private long skippedFrames;
    private long samplesSent;
    /** Guarded by {@code this}: the native encoder must be freed exactly once. */
    private boolean released;

    private DemoCamera(String label, int port, FramePainter painter, boolean withAudio, FFmpegFrameRecorder recorder) {
        this.label = label;
        this.port = port;
        this.painter = painter;
        this.withAudio = withAudio;
        this.recorder = recorder;
        this.image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        this.frame = new Frame(WIDTH, HEIGHT, Frame.DEPTH_UBYTE, 3);
        this.loop = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(
                    () -> {
                        MDC.put("stream", label);
                        task.run();
                    },
                    "demo-camera-" + label);
            // The demo camera must never keep the JVM alive on its own.
            thread.setDaemon(true);
            return thread;
        });
        this.startNanos = System.nanoTime();
        this.startEpochMillis = System.currentTimeMillis();
        this.tone = new BeepTone(startEpochMillis);
    }

    /**
     * Starts a video-only camera sending to {@code udp://127.0.0.1:port}.
     *
     * @param port  the UDP port to send to, or 0 to pick a free one
     * @param label the stream name shown in the picture and in the MPEG-TS service name
     * @throws DemoCameraException if no port is free or the encoder cannot be opened
     */
    public static DemoCamera start(int port, String label) {
        return start(port, label, false);
    }

    /**
     * Starts a camera sending to {@code udp://127.0.0.1:port}, with an AAC track (a beep every
     * second) when {@code withAudio} is set.
     *
     * @see #start(int, String)
     */
    public static DemoCamera start(int port, String label, boolean withAudio) {
        Objects.requireNonNull(label, "label");
        return start(port, label, withAudio, new TestPattern(WIDTH, HEIGHT, FRAMES_PER_SECOND, label));
    }

    /** Starts a camera with another picture; tests use it to make the loop fail. */
    static DemoCamera start(int port, String label, boolean withAudio, FramePainter painter) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(painter, "painter");
        if (label.isBlank()) {
            throw new IllegalArgumentException("label must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        int chosen = port == 0 ? freeUdpPort() : port;
        FFmpegFrameRecorder recorder = openEncoder(chosen, label, withAudio);
        DemoCamera camera = new DemoCamera(label, chosen, painter, withAudio, recorder);
        long periodNanos = 1_000_000_000L / FRAMES_PER_SECOND;
        // Ticking half a frame after each frame boundary keeps scheduling jitter from landing a
        // tick just before a boundary, where it would find no frame due and the next tick would
        // then have to skip one.
        camera.loop.scheduleAtFixedRate(camera::tick, periodNanos / 2, periodNanos, TimeUnit.NANOSECONDS);
        LOG.info(
                "Demo camera {} sending H.264 {}x{}@{}{} in MPEG-TS to udp://{}:{}",
                label,
                WIDTH,
                HEIGHT,
                FRAMES_PER_SECOND,
                withAudio ? " with AAC" : "",
                HOST,
                chosen);
        return camera;
    }

    /**
     * The URL a reader (FFmpeg, e.g. JavaCV's {@code FFmpegFrameGrabber}) opens to receive this
     * camera. Only one reader at a time: it binds the camera's UDP port. The URL's options make
     * FFmpeg buffer datagrams on its own thread, survive a buffer overrun, and end the stream
     * ({@code grabPacket()} returns null) after 5 s without data.
     */
    public String url() {
        return "udp://" + HOST + ":" + port
                + "?overrun_nonfatal=1&fifo_size=" + READER_FIFO_PACKETS
                + "&timeout=" + READER_TIMEOUT_MICROS;
    }

    /** The UDP port the camera sends to. */
    public int port() {
        return port;
    }

    public String label() {
        return label;
    }

    /** False once closed, or once the encoder loop has stopped on an error. */
    public boolean isRunning() {
        return running;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        loop.shutdown();
        try {
            if (!loop.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                // Freeing the encoder under a running encode would crash the JVM; leak it instead.
                LOG.warn(
                        "Demo camera {}: encoder loop did not stop within {} ms; not releasing it",
                        label,
                        CLOSE_WAIT_MILLIS);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Demo camera {}: interrupted while stopping; not releasing the encoder", label);
            return;
        }
        releaseEncoder();
        LOG.info("Demo camera {} stopped after {} frames ({} skipped)", label, lastFrame + 1, skippedFrames);
    }

    private void tick() {
        if (!running) {
            return;
        }
        try {
            long elapsedNanos = System.nanoTime() - startNanos;
            long n = elapsedNanos * FRAMES_PER_SECOND / 1_000_000_000L;
            if (n > lastFrame) {
                if (lastFrame >= 0 && n > lastFrame + 1) {
                    skippedFrames += n - lastFrame - 1;
                    LOG.debug("Demo camera {} fell behind: skipped frames {}..{}", label, lastFrame + 1, n - 1);
                }
                encode(n);
                lastFrame = n;
            }
            if (withAudio) {
                // Audio is never skipped: a late tick writes all the samples it owes, so the
                // audio timestamps (counted in samples by the encoder) stay on the clock.
                encodeAudio(elapsedNanos * BeepTone.SAMPLE_RATE / 1_000_000_000L);
            }
        } catch (Throwable e) {
            // Anything thrown here would silently cancel the schedule; stop visibly instead.
            LOG.error("Demo camera {} stopped: encoder loop failed at frame {}", label, lastFrame + 1, e);
            running = false;
            releaseEncoder();
            loop.shutdown();
        }
    }

    private void encode(long n) throws Exception {
        painter.paint(image, n, startEpochMillis + n * 1000 / FRAMES_PER_SECOND);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        // TYPE_3BYTE_BGR rows are 1920 bytes, which is also the Frame's 8-aligned stride.
        ByteBuffer target = (ByteBuffer) frame.image[0];
        target.clear();
        target.put(pixels);
        // The encoder's time base is 1/FRAMES_PER_SECOND, so the frame index is the PTS.
        recorder.setFrameNumber(Math.toIntExact(n));
        recorder.record(frame, AV_PIX_FMT_BGR24);
    }

    private void encodeAudio(long samplesDue) throws Exception {
        while (samplesSent < samplesDue) {
            int count = (int) Math.min(samplesDue - samplesSent, samples.length);
            tone.fill(samples, samplesSent, count);
            recorder.recordSamples(BeepTone.SAMPLE_RATE, 1, ShortBuffer.wrap(samples, 0, count));
            samplesSent += count;
        }
    }

    private synchronized void releaseEncoder() {
        if (released) {
            return;
        }
        released = true;
        try {
            recorder.close();
        } catch (Exception e) {
            LOG.warn("Demo camera {}: error while closing the encoder", label, e);
        }
        frame.close();
    }

    private static FFmpegFrameRecorder openEncoder(int port, String label, boolean withAudio) {
        String target = "udp://" + HOST + ":" + port + "?pkt_size=" + TS_DATAGRAM;
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target, WIDTH, HEIGHT, withAudio ? 1 : 0);
        recorder.setFormat("mpegts");
        recorder.setVideoCodecName("libopenh264");
        recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(FRAMES_PER_SECOND);
        recorder.setGopSize(FRAMES_PER_SECOND);
        recorder.setMaxBFrames(0);
        recorder.setVideoBitrate(BIT_RATE);
        // libopenh264 defaults to quality mode, which ignores the bit rate.
        recorder.setVideoOption("rc_mode", "bitrate");
        // One encoder thread is plenty for 640x360 and leaves the second core to Kafka.
        recorder.setVideoOption("threads", "1");
        // Send each frame as soon as it is muxed instead of when the next one fills the buffer.
        recorder.setOption("flush_packets", "1");
        if (withAudio) {
            // FFmpeg's native AAC encoder: part of the LGPL build, no extra library.
            recorder.setAudioCodec(AV_CODEC_ID_AAC);
            recorder.setSampleRate(BeepTone.SAMPLE_RATE);
            recorder.setAudioBitrate(AUDIO_BIT_RATE);
        }
        recorder.setMetadata("service_name", label);
        recorder.setMetadata("service_provider", "kvr demo");
        try {
            recorder.start();
            return recorder;
        } catch (Exception | LinkageError e) {
            try {
                recorder.release();
            } catch (Exception releaseError) {
                e.addSuppressed(releaseError);
            }
            throw new DemoCameraException("Demo camera " + label + ": cannot open the H.264 encoder for " + target, e);
        }
    }

    private static int freeUdpPort() {
        // Another process could take the port before the reader binds it; on loopback, in a
        // demo, that race is not worth a protocol.
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(HOST), 0))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new DemoCameraException("No free UDP port on " + HOST, e);
        }
    }
}
