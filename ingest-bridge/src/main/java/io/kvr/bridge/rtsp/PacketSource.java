package io.kvr.bridge.rtsp;

import io.kvr.schemas.Codec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * An opened source read packet by packet with libavformat's {@code av_read_frame}: compressed access units, never
 * decoded. Every blocking FFmpeg call is bounded by a deadline checked in FFmpeg's interrupt callback (opening, the
 * first packet, each read: the read timeout), and {@link #abort()} ends a blocked call at once from any thread.
 * Failures carry FFmpeg's own reason ({@code av_strerror}, e.g. "Server returned 401 Unauthorized (authorization
 * failed)") with credentials redacted. Not thread-safe apart from {@link #abort()}: one supervisor thread owns it.
 */
public final class PacketSource implements AutoCloseable {
    /** How long FFmpeg may look at the first packets to describe the streams. */
    private static final long ANALYZE_MICROS = 2_000_000;

    private static final int EAGAIN = -11;

    /**
     * FFmpeg stores the interrupt callback as a C function pointer. JavaCPP backs each callback object with one of
     * a few native thunks, so every source shares this one and is found again by its opaque pointer's address.
     */
    private static final Interrupt INTERRUPT = new Interrupt();

    private static final ConcurrentHashMap<Long, PacketSource> OPEN = new ConcurrentHashMap<>();

    static {
        avformat.avformat_network_init();
    }

    private final String redactedUrl;
    private final String protocols;
    private String transport;
    private final long readTimeoutNanos;
    private final LongPointer opaque = new LongPointer(1);
    private AVFormatContext oc;
    private AVPacket pkt;
    private List<SourceTrack> tracks = List.of();
    private Packet peeked;
    private volatile long deadlineNanos;
    private volatile boolean aborted;
    private String waitingFor = "";

    /**
     * A source to {@link #open}; {@link #abort()} works from now on, so another thread can end a hung opening.
     *
     * @param redactedUrl the URL for messages
     * @param transport for RTSP: {@code tcp} (interleaved) or {@code udp}; {@code rtsps://} always uses TCP
     * @param readTimeout the longest wait for any single packet once open
     * @param protocols the only FFmpeg protocols this source may open ({@code protocol_whitelist}, comma list),
     *     whatever the URL, a redirect or a stream description names
     */
    public PacketSource(String redactedUrl, String transport, Duration readTimeout, String protocols) {
        this.redactedUrl = redactedUrl;
        this.protocols = protocols;
        this.transport = transport;
        this.readTimeoutNanos = readTimeout.toNanos();
    }

    /**
     * Connects and reads the stream descriptions within {@code openTimeout}; closes itself on failure.
     *
     * @param url the URL to open, credentials included: never logged or put into messages
     * @param openTimeout the longest wait for opening (handshake, authentication and stream analysis)
     */
    public PacketSource open(String url, Duration openTimeout) throws SourceException {
        if (oc != null) {
            throw new IllegalStateException("already open");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        boolean rtsp = lower.startsWith("rtsp://") || lower.startsWith("rtsps://");
        if (lower.startsWith("rtsps://") || !rtsp) {
            transport = "tcp";
        }
        connect(url, rtsp, lower.startsWith("rtmp"), openTimeout);
        return this;
    }

    private void connect(String url, boolean rtsp, boolean rtmp, Duration openTimeout) throws SourceException {
        OPEN.put(opaque.address(), this);
        AVDictionary options = new AVDictionary(null);
        try {
            if (aborted) {
                throw new SourceException("cannot open " + redactedUrl + ": stopped", null);
            }
            oc = avformat.avformat_alloc_context();
            if (oc == null || oc.isNull()) {
                oc = null;
                throw new SourceException("cannot open " + redactedUrl + ": out of memory", null);
            }
            AVIOInterruptCB cb = oc.interrupt_callback();
            cb.callback(INTERRUPT);
            cb.opaque(opaque);
            String micros = Long.toString(readTimeoutNanos / 1000);
            if (rtsp) {
                avutil.av_dict_set(options, "rtsp_transport", transport, 0);
                // socket I/O timeout of the RTSP connection (a peer that accepts and never answers)
                avutil.av_dict_set(options, "timeout", micros, 0);
            } else {
                if (!rtmp) {
                    // RTMP's "timeout" is how long to wait as a server (it implies rtmp_listen): never set it
                    avutil.av_dict_set(options, "timeout", micros, 0);
                }
                avutil.av_dict_set(options, "rw_timeout", micros, 0);
            }
            avutil.av_dict_set(options, "analyzeduration", Long.toString(ANALYZE_MICROS), 0);
            // inherited by every nested open (RTSP's tcp/udp/rtp, TLS's tcp): a file, http, concat or subfile
            // named by a peer fails to open
            avutil.av_dict_set(options, "protocol_whitelist", protocols, 0);
            AVInputFormat format = rtsp ? avformat.av_find_input_format("rtsp") : null;
            arm(openTimeout.toNanos(), "answer");
            long openingNanos = System.nanoTime();
            int ret = avformat.avformat_open_input(oc, url, format, options);
            if (ret < 0) {
                oc = null; // avformat_open_input frees a caller's context on failure
                long waitedMs = (System.nanoTime() - openingNanos) / 1_000_000;
                // a silent peer makes FFmpeg's socket timeout end the handshake with a vague "invalid data":
                // say what happened
                String reason = waitedMs >= readTimeoutNanos / 1_000_000 && ret != avutil.AVERROR_EXIT()
                        ? "no answer within " + readTimeoutNanos / 1_000_000 + " ms (" + describe(ret) + ")"
                        : describe(ret);
                throw new SourceException("cannot open " + redactedUrl + ": " + reason, null);
            }
            ret = avformat.avformat_find_stream_info(oc, (PointerPointer<?>) null);
            if (ret < 0) {
                throw new SourceException("cannot read the streams of " + redactedUrl + ": " + describe(ret), null);
            }
            tracks = describe(oc);
            pkt = avcodec.av_packet_alloc();
        } catch (SourceException | RuntimeException e) {
            close();
            throw e;
        } finally {
            avutil.av_dict_free(options);
        }
    }

    private static List<SourceTrack> describe(AVFormatContext oc) {
        List<SourceTrack> out = new ArrayList<>();
        for (int i = 0; i < oc.nb_streams(); i++) {
            AVStream st = oc.streams(i);
            AVCodecParameters par = st.codecpar();
            byte[] extradata = new byte[Math.max(0, par.extradata_size())];
            if (extradata.length > 0) {
                par.extradata().get(extradata);
            }
            boolean video = par.codec_type() == avutil.AVMEDIA_TYPE_VIDEO;
            AVRational rate = st.avg_frame_rate().num() > 0 ? st.avg_frame_rate() : st.r_frame_rate();
            out.add(new SourceTrack(
                    i,
                    codec(par.codec_id()),
                    video,
                    st.time_base().num(),
                    st.time_base().den(),
                    par.width(),
                    par.height(),
                    par.sample_rate(),
                    par.ch_layout().nb_channels(),
                    extradata,
                    video ? Math.max(0, rate.num()) : 0,
                    video ? Math.max(0, rate.den()) : 0));
        }
        return List.copyOf(out);
    }

    static Codec codec(int codecId) {
        return switch (codecId) {
            case avcodec.AV_CODEC_ID_H264 -> Codec.H264;
            case avcodec.AV_CODEC_ID_HEVC -> Codec.H265;
            case avcodec.AV_CODEC_ID_MPEG4 -> Codec.MPEG4;
            case avcodec.AV_CODEC_ID_AAC -> Codec.AAC;
            case avcodec.AV_CODEC_ID_PCM_MULAW -> Codec.PCM_MULAW;
            case avcodec.AV_CODEC_ID_PCM_ALAW -> Codec.PCM_ALAW;
            case avcodec.AV_CODEC_ID_OPUS -> Codec.OPUS;
            default -> Codec.UNKNOWN;
        };
    }

    public List<SourceTrack> tracks() {
        return tracks;
    }

    /** The transport in use: {@code tcp} or {@code udp} for RTSP. */
    public String transport() {
        return transport;
    }

    /**
     * The camera's wall clock at presentation time 0, in µs since the epoch, from its first RTCP sender report
     * ({@code AVFormatContext.start_time_realtime}); {@link Packet#NO_TIMESTAMP} until one arrived or when the
     * source has none.
     */
    public long cameraStartMicros() {
        return oc == null ? Packet.NO_TIMESTAMP : oc.start_time_realtime();
    }

    /**
     * Waits up to {@code wait} for the first packet and keeps it for {@link #next()}. Throws when none arrives in
     * time, e.g. RTP over UDP that a firewall drops.
     */
    public void awaitFirstPacket(Duration wait) throws SourceException {
        if (peeked == null) {
            peeked = read(wait.toNanos());
            if (peeked == null) {
                throw new SourceException("end of stream before the first packet", null);
            }
        }
    }

    /**
     * The next packet, or null at the end of the stream; throws when none arrives within the read timeout, and
     * once {@link #abort() aborted}.
     */
    public Packet next() throws SourceException {
        if (peeked != null) {
            Packet p = peeked;
            peeked = null;
            return p;
        }
        return read(readTimeoutNanos);
    }

    private Packet read(long timeoutNanos) throws SourceException {
        if (oc == null) {
            throw new SourceException("source is closed", null);
        }
        arm(timeoutNanos, "packet");
        int ret;
        do {
            ret = avformat.av_read_frame(oc, pkt);
        } while (ret == EAGAIN && !interrupted());
        if (ret == avutil.AVERROR_EOF()) {
            return null;
        }
        if (ret < 0) {
            throw new SourceException("read failed: " + describe(ret), null);
        }
        try {
            if (interrupted()) {
                // an interrupted read makes libavformat flush its parsers and return what they held: the access
                // unit being received, cut short (seen at a stop: only its delimiter). Never hand that out.
                throw new SourceException("read failed: " + describe(avutil.AVERROR_EXIT()), null);
            }
            int size = pkt.size();
            byte[] payload = new byte[Math.max(0, size)];
            if (size > 0) {
                pkt.data().get(payload);
            }
            return new Packet(
                    pkt.stream_index(),
                    (pkt.flags() & avcodec.AV_PKT_FLAG_KEY) != 0,
                    pkt.pts(),
                    pkt.dts(),
                    payload,
                    System.currentTimeMillis());
        } finally {
            avcodec.av_packet_unref(pkt);
        }
    }

    private void arm(long timeoutNanos, String what) {
        waitingFor = what + " within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms";
        deadlineNanos = System.nanoTime() + timeoutNanos;
    }

    private boolean interrupted() {
        return aborted || System.nanoTime() - deadlineNanos > 0;
    }

    /** FFmpeg's text for an error code; our own interruptions say what we waited for. */
    private String describe(int ret) {
        if (ret == avutil.AVERROR_EXIT()) {
            return aborted ? "stopped" : "no " + waitingFor;
        }
        byte[] buf = new byte[256];
        if (avutil.av_strerror(ret, buf, buf.length) < 0) {
            return "error " + ret;
        }
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Ends a blocked open or read soon (FFmpeg polls its interrupt callback about every 100 ms). Any thread. */
    public void abort() {
        aborted = true;
    }

    @Override
    public void close() {
        if (oc != null) {
            avformat.avformat_close_input(oc);
            oc = null;
        }
        if (pkt != null) {
            avcodec.av_packet_free(pkt);
            pkt = null;
        }
        OPEN.remove(opaque.address());
    }

    /** FFmpeg asks it, while blocked, whether to give up: 1 once the source's deadline passed or it was aborted. */
    private static final class Interrupt extends AVIOInterruptCB.Callback_Pointer {
        Interrupt() {
            retainReference();
        }

        @Override
        public int call(Pointer opaque) {
            PacketSource source = opaque == null ? null : OPEN.get(opaque.address());
            return source != null && source.interrupted() ? 1 : 0;
        }
    }
}
