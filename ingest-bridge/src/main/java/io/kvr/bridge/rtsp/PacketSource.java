package io.kvr.bridge.rtsp;

import io.kvr.bridge.camera.CameraConfig;
import io.kvr.schemas.Codec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/**
 * An opened source read packet by packet with {@code av_read_frame}: compressed access units, never decoded.
 * Not thread-safe: one supervisor thread owns it.
 */
public final class PacketSource implements AutoCloseable {
    private final FFmpegFrameGrabber grabber;
    private final List<SourceTrack> tracks;

    private PacketSource(FFmpegFrameGrabber grabber, List<SourceTrack> tracks) {
        this.grabber = grabber;
        this.tracks = tracks;
    }

    /** Connects and reads stream information; blocks at most about {@code timeout} on a silent peer. */
    public static PacketSource open(CameraConfig camera, Duration timeout) throws SourceException {
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(camera.url());
        grabber.setImageMode(FrameGrabber.ImageMode.RAW);
        String micros = Long.toString(timeout.toNanos() / 1000);
        if (camera.isRtsp()) {
            grabber.setFormat("rtsp");
            grabber.setOption("rtsp_transport", camera.transport());
            grabber.setOption("timeout", micros);
        } else {
            // udp:// and tcp:// readers: I/O timeout in microseconds
            grabber.setOption("timeout", micros);
            grabber.setOption("rw_timeout", micros);
        }
        grabber.setOption("analyzeduration", "2000000");
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new SourceException("cannot open " + camera.redactedUrl() + ": " + e.getMessage(), e);
        }
        return new PacketSource(grabber, describe(grabber.getFormatContext()));
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
            out.add(new SourceTrack(i, codec(par.codec_id()), video, st.time_base().num(), st.time_base().den(),
                    par.width(), par.height(), par.sample_rate(), par.ch_layout().nb_channels(), extradata));
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

    /**
     * Reads the next packet into {@code sink}; false at end of stream. The packet is only valid during the call.
     */
    public boolean next(PacketSink sink) throws SourceException {
        AVPacket pkt;
        try {
            pkt = grabber.grabPacket();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new SourceException("read failed: " + e.getMessage(), e);
        }
        if (pkt == null) {
            return false;
        }
        try {
            int size = pkt.size();
            byte[] payload = new byte[size];
            if (size > 0) {
                pkt.data().get(payload);
            }
            sink.accept(pkt.stream_index(), (pkt.flags() & avcodec.AV_PKT_FLAG_KEY) != 0, pkt.pts(), pkt.dts(), payload);
        } finally {
            // grabPacket() does not release the previous packet's buffer itself
            avcodec.av_packet_unref(pkt);
        }
        return true;
    }

    @Override
    public void close() {
        closeQuietly(grabber);
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.release();
        } catch (Exception | Error ignored) {
            // nothing useful to do while tearing down a failed connection
        }
    }

    /** Receives one packet: track index, keyframe flag, pts and dts (AV_NOPTS_VALUE when unknown), bytes. */
    @FunctionalInterface
    public interface PacketSink {
        void accept(int track, boolean keyframe, long pts, long dts, byte[] payload) throws SourceException;
    }
}
