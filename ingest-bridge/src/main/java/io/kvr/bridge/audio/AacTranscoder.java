package io.kvr.bridge.audio;

import io.kvr.schemas.Codec;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;

/**
 * Transcodes one audio track that browsers and MP4 players cannot play (G.711 µ-law / A-law, Opus) to AAC-LC with
 * FFmpeg's libavcodec: decode, convert to planar float ({@code swresample}), cut into frames of 1024 samples,
 * encode with FFmpeg's native {@code aac} encoder. Same sample rate and channels as the source.
 *
 * <p>Time: output pts count samples ({@code 1/sampleRate} timebase) from the source's presentation time, so AAC
 * frames line up with the source audio. The encoder delays its output by its priming (1024 samples) and gives
 * each frame the time of the audio it decodes to, so the first frame starts 1024 samples before the source.
 * A gap in the source (lost packets, silence suppression) of up to a second is filled with silence; a longer one
 * or a step backwards starts the frames afresh at the new time.
 *
 * <p>Not thread-safe; owns native memory until {@link #close()}.
 */
public final class AacTranscoder implements AutoCloseable {
    /** Samples per AAC-LC frame (ISO/IEC 14496-3 4.5.2.1: frameLengthFlag 0). */
    public static final int FRAME_SAMPLES = 1024;

    private static final int EAGAIN = -11;

    private final Codec source;
    private final int sampleRate;
    private final int channels;
    private final long toleranceSamples;
    private final long maxGapSamples;
    private AVCodecContext decoder;
    private AVCodecContext encoder;
    private SwrContext resampler;
    private AVAudioFifo fifo;
    private AVFrame decoded;
    private AVFrame converted;
    private AVFrame frame;
    private AVPacket in;
    private AVPacket out;
    private final byte[] audioSpecificConfig;
    /** Time of the first sample in the fifo (samples); {@link Long#MIN_VALUE} while empty and unanchored. */
    private long fifoStart = Long.MIN_VALUE;

    private long lastPts = Long.MIN_VALUE;

    /** Whether {@code codec} is transcoded (AAC is recorded as it is; video and unknown codecs are not audio). */
    public static boolean transcodes(Codec codec) {
        return codec == Codec.PCM_MULAW || codec == Codec.PCM_ALAW || codec == Codec.OPUS;
    }

    /**
     * @param extradata the source's codec configuration (Opus: its OpusHead, may be empty)
     * @throws IllegalArgumentException when this codec, rate or channel count cannot be transcoded
     */
    public AacTranscoder(Codec source, int sampleRate, int channels, byte[] extradata) {
        if (!transcodes(source) || sampleRate <= 0 || channels <= 0 || channels > 2) {
            throw new IllegalArgumentException(
                    "cannot transcode " + source + " " + sampleRate + " Hz " + channels + " channels to AAC");
        }
        this.source = source;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.toleranceSamples = sampleRate / 50; // 20 ms: RTP timestamps jitter by less
        this.maxGapSamples = sampleRate; // 1 s
        try {
            decoder = openDecoder(source, sampleRate, channels, extradata);
            encoder = openEncoder(sampleRate, channels);
            audioSpecificConfig = new byte[encoder.extradata_size()];
            encoder.extradata().get(audioSpecificConfig);
            resampler = new SwrContext(null);
            AVChannelLayout layout = new AVChannelLayout();
            avutil.av_channel_layout_default(layout, channels);
            check(
                    swresample.swr_alloc_set_opts2(
                            resampler,
                            layout,
                            avutil.AV_SAMPLE_FMT_FLTP,
                            sampleRate,
                            decoder.ch_layout(),
                            decoder.sample_fmt(),
                            sampleRate,
                            0,
                            null),
                    "swr_alloc_set_opts2");
            check(swresample.swr_init(resampler), "swr_init");
            fifo = avutil.av_audio_fifo_alloc(avutil.AV_SAMPLE_FMT_FLTP, channels, 4 * FRAME_SAMPLES);
            decoded = avutil.av_frame_alloc();
            converted = avutil.av_frame_alloc();
            frame = avutil.av_frame_alloc();
            frame.nb_samples(FRAME_SAMPLES);
            frame.format(avutil.AV_SAMPLE_FMT_FLTP);
            frame.sample_rate(sampleRate);
            avutil.av_channel_layout_default(frame.ch_layout(), channels);
            check(avutil.av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
            in = avcodec.av_packet_alloc();
            out = avcodec.av_packet_alloc();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static AVCodecContext openDecoder(Codec codec, int sampleRate, int channels, byte[] extradata) {
        int id = switch (codec) {
            case PCM_MULAW -> avcodec.AV_CODEC_ID_PCM_MULAW;
            case PCM_ALAW -> avcodec.AV_CODEC_ID_PCM_ALAW;
            default -> avcodec.AV_CODEC_ID_OPUS;
        };
        AVCodec c = avcodec.avcodec_find_decoder(id);
        if (c == null || c.isNull()) {
            throw new IllegalArgumentException("FFmpeg has no " + codec + " decoder");
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(c);
        ctx.sample_rate(sampleRate);
        avutil.av_channel_layout_default(ctx.ch_layout(), channels);
        if (extradata != null && extradata.length > 0) {
            BytePointer copy =
                    new BytePointer(avutil.av_mallocz(extradata.length + avcodec.AV_INPUT_BUFFER_PADDING_SIZE));
            copy.put(extradata);
            ctx.extradata(copy);
            ctx.extradata_size(extradata.length);
        }
        int ret = avcodec.avcodec_open2(ctx, c, (AVDictionary) null);
        if (ret < 0) {
            avcodec.avcodec_free_context(ctx);
            throw new IllegalArgumentException("cannot open the " + codec + " decoder: error " + ret);
        }
        return ctx;
    }

    private static AVCodecContext openEncoder(int sampleRate, int channels) {
        AVCodec c = avcodec.avcodec_find_encoder(avcodec.AV_CODEC_ID_AAC);
        if (c == null || c.isNull()) {
            throw new IllegalArgumentException("FFmpeg has no AAC encoder");
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(c);
        ctx.sample_fmt(avutil.AV_SAMPLE_FMT_FLTP);
        ctx.sample_rate(sampleRate);
        avutil.av_channel_layout_default(ctx.ch_layout(), channels);
        // ~3 bits per sample and channel: 24 kbit/s for 8 kHz mono telephony audio, at most 64 kbit/s per channel
        ctx.bit_rate((long) Math.min(64_000, sampleRate * 3) * channels);
        ctx.time_base().num(1);
        ctx.time_base().den(sampleRate);
        ctx.flags(ctx.flags() | avcodec.AV_CODEC_FLAG_GLOBAL_HEADER); // AudioSpecificConfig as extradata
        int ret = avcodec.avcodec_open2(ctx, c, (AVDictionary) null);
        if (ret < 0) {
            avcodec.avcodec_free_context(ctx);
            throw new IllegalArgumentException(
                    "cannot open the AAC encoder for " + sampleRate + " Hz, " + channels + " channels: error " + ret);
        }
        return ctx;
    }

    public Codec source() {
        return source;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int channels() {
        return channels;
    }

    /** The AAC track's AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1). */
    public byte[] audioSpecificConfig() {
        return audioSpecificConfig.clone();
    }

    /**
     * Transcodes one source packet; {@code sink} receives every AAC frame that became ready.
     *
     * @param ptsSamples the packet's presentation time in samples (1/sampleRate)
     */
    public void accept(long ptsSamples, byte[] payload, Consumer<AacFrame> sink) {
        if (payload.length == 0) {
            return;
        }
        // av_packet_from_data takes ownership: av_malloc'ed, with zeroed padding
        BytePointer data = new BytePointer(avutil.av_mallocz(payload.length + avcodec.AV_INPUT_BUFFER_PADDING_SIZE));
        data.put(payload);
        check(avcodec.av_packet_from_data(in, data, payload.length), "av_packet_from_data");
        try {
            if (avcodec.avcodec_send_packet(decoder, in) < 0) {
                return; // a broken packet: skip it, the next one decodes
            }
        } finally {
            avcodec.av_packet_unref(in);
        }
        long next = ptsSamples;
        while (avcodec.avcodec_receive_frame(decoder, decoded) >= 0) {
            int n = decoded.nb_samples();
            try {
                align(next, sink);
                convert(n);
            } finally {
                avutil.av_frame_unref(decoded);
            }
            next += n;
            drain(sink);
        }
    }

    /** Makes the fifo continue at {@code pts}: silence over a short gap, a fresh start after a long one. */
    private void align(long pts, Consumer<AacFrame> sink) {
        int buffered = avutil.av_audio_fifo_size(fifo);
        if (fifoStart == Long.MIN_VALUE) {
            fifoStart = pts;
            return;
        }
        long expected = fifoStart + buffered;
        long gap = pts - expected;
        if (Math.abs(gap) <= toleranceSamples) {
            return;
        }
        if (gap > 0 && gap <= maxGapSamples) {
            writeSilence((int) gap);
            drain(sink);
            return;
        }
        avutil.av_audio_fifo_reset(fifo);
        fifoStart = pts;
    }

    private void convert(int samples) {
        converted.nb_samples(swresample.swr_get_out_samples(resampler, samples));
        converted.format(avutil.AV_SAMPLE_FMT_FLTP);
        converted.sample_rate(sampleRate);
        avutil.av_channel_layout_default(converted.ch_layout(), channels);
        check(avutil.av_frame_get_buffer(converted, 0), "av_frame_get_buffer");
        try {
            int n = swresample.swr_convert(
                    resampler, converted.extended_data(), converted.nb_samples(), decoded.extended_data(), samples);
            check(n, "swr_convert");
            if (n > 0) {
                check(avutil.av_audio_fifo_write(fifo, converted.extended_data(), n), "av_audio_fifo_write");
            }
        } finally {
            avutil.av_frame_unref(converted);
        }
    }

    private void writeSilence(int samples) {
        converted.nb_samples(samples);
        converted.format(avutil.AV_SAMPLE_FMT_FLTP);
        converted.sample_rate(sampleRate);
        avutil.av_channel_layout_default(converted.ch_layout(), channels);
        check(avutil.av_frame_get_buffer(converted, 0), "av_frame_get_buffer");
        try {
            avutil.av_samples_set_silence(converted.extended_data(), 0, samples, channels, avutil.AV_SAMPLE_FMT_FLTP);
            check(avutil.av_audio_fifo_write(fifo, converted.extended_data(), samples), "av_audio_fifo_write");
        } finally {
            avutil.av_frame_unref(converted);
        }
    }

    /** Encodes every whole frame in the fifo. */
    private void drain(Consumer<AacFrame> sink) {
        while (avutil.av_audio_fifo_size(fifo) >= FRAME_SAMPLES) {
            check(avutil.av_frame_make_writable(frame), "av_frame_make_writable");
            check(avutil.av_audio_fifo_read(fifo, frame.extended_data(), FRAME_SAMPLES), "av_audio_fifo_read");
            frame.pts(fifoStart);
            fifoStart += FRAME_SAMPLES;
            check(avcodec.avcodec_send_frame(encoder, frame), "avcodec_send_frame");
            receive(sink);
        }
    }

    private void receive(Consumer<AacFrame> sink) {
        while (true) {
            int ret = avcodec.avcodec_receive_packet(encoder, out);
            if (ret == EAGAIN || ret == avutil.AVERROR_EOF()) {
                return;
            }
            check(ret, "avcodec_receive_packet");
            try {
                long pts = out.pts();
                if (pts <= lastPts) {
                    continue; // after a fresh start behind the previous frames: keep the track increasing
                }
                lastPts = pts;
                byte[] aac = new byte[out.size()];
                out.data().get(aac);
                sink.accept(new AacFrame(pts, aac));
            } finally {
                avcodec.av_packet_unref(out);
            }
        }
    }

    private static void check(int ret, String what) {
        if (ret < 0) {
            throw new IllegalStateException(what + " failed: error " + ret);
        }
    }

    @Override
    public void close() {
        if (decoder != null) {
            avcodec.avcodec_free_context(decoder);
            decoder = null;
        }
        if (encoder != null) {
            avcodec.avcodec_free_context(encoder);
            encoder = null;
        }
        if (resampler != null) {
            swresample.swr_free(resampler);
            resampler = null;
        }
        if (fifo != null) {
            avutil.av_audio_fifo_free(fifo);
            fifo = null;
        }
        for (AVFrame f : new AVFrame[] {decoded, converted, frame}) {
            if (f != null) {
                avutil.av_frame_free(f);
            }
        }
        decoded = converted = frame = null;
        for (AVPacket p : new AVPacket[] {in, out}) {
            if (p != null) {
                avcodec.av_packet_free(p);
            }
        }
        in = out = null;
    }

    /**
     * One AAC frame: raw (no ADTS header), {@link #FRAME_SAMPLES} samples.
     *
     * @param pts presentation time in samples (1/sampleRate)
     */
    public record AacFrame(long pts, byte[] data) {}
}
