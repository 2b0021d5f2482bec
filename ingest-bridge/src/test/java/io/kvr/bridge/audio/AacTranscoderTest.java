package io.kvr.bridge.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.schemas.Codec;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AacTranscoderTest {
    private static final int RATE = 8000;
    private static final int PACKET = 160; // 20 ms, as RTP payload types 0 and 8 are usually sent

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"PCM_MULAW, true", "PCM_ALAW, true", "OPUS, true", "AAC, false", "H264, false", "UNKNOWN, false"})
    void transcodesWhatPlayersCannotPlay(Codec codec, boolean transcoded) {
        assertThat(AacTranscoder.transcodes(codec)).isEqualTo(transcoded);
    }

    @Test
    void refusesWhatItCannotTranscode() {
        assertThatThrownBy(() -> new AacTranscoder(Codec.AAC, RATE, 1, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AAC");
        assertThatThrownBy(() -> new AacTranscoder(Codec.PCM_MULAW, RATE, 6, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6 channels");
    }

    @Test
    void announcesAacLcAtTheSourceRate() {
        try (AacTranscoder aac = new AacTranscoder(Codec.PCM_MULAW, RATE, 1, new byte[0])) {
            byte[] asc = aac.audioSpecificConfig();
            // ISO/IEC 14496-3 1.6.2.1: audioObjectType 2 (5 bits), samplingFrequencyIndex 11 = 8000 Hz, 1 channel
            assertThat(asc.length).isGreaterThanOrEqualTo(2);
            assertThat(asc[0]).isEqualTo((byte) 0x15);
            assertThat(asc[1] & 0xF8).isEqualTo(0x88);
            assertThat(aac.sampleRate()).isEqualTo(RATE);
            assertThat(aac.channels()).isEqualTo(1);
        }
    }

    @Test
    void muLawSineBecomesAacFramesAlignedWithTheSource() {
        long start = 123_456;
        List<AacTranscoder.AacFrame> frames = new ArrayList<>();
        byte[] asc;
        try (AacTranscoder aac = new AacTranscoder(Codec.PCM_MULAW, RATE, 1, new byte[0])) {
            asc = aac.audioSpecificConfig();
            for (int k = 0; k < 100; k++) { // 2 s
                aac.accept(start + (long) k * PACKET, muLawSine(k * PACKET, PACKET), frames::add);
            }
        }

        assertThat(frames).hasSizeBetween(14, 16);
        // the encoder's priming frame comes first, 1024 samples before the source; then one frame per 1024 samples
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).pts())
                    .isEqualTo(start - AacTranscoder.FRAME_SAMPLES + (long) i * AacTranscoder.FRAME_SAMPLES);
        }
        float[] decoded = decode(asc, frames);
        // 440 Hz: 880 zero crossings a second; amplitude 0.5 gives an RMS near 0.35
        int from = 3 * AacTranscoder.FRAME_SAMPLES;
        int to = decoded.length - AacTranscoder.FRAME_SAMPLES;
        double seconds = (to - from) / (double) RATE;
        assertThat(zeroCrossings(decoded, from, to) / seconds).isBetween(820.0, 940.0);
        assertThat(rms(decoded, from, to)).isBetween(0.25, 0.45);
    }

    @Test
    void aShortGapIsFilledWithSilenceAndALongOneStartsAfresh() {
        List<AacTranscoder.AacFrame> frames = new ArrayList<>();
        try (AacTranscoder aac = new AacTranscoder(Codec.PCM_MULAW, RATE, 1, new byte[0])) {
            long pts = 0;
            for (int k = 0; k < 50; k++, pts += PACKET) {
                aac.accept(pts, muLawSine(k * PACKET, PACKET), frames::add);
            }
            pts += 400 * RATE / 1000; // 400 ms lost: filled
            for (int k = 0; k < 50; k++, pts += PACKET) {
                aac.accept(pts, muLawSine(k * PACKET, PACKET), frames::add);
            }
            int beforeLongGap = frames.size();
            pts += 5 * RATE; // 5 s of nothing: start afresh
            long restart = pts;
            for (int k = 0; k < 50; k++, pts += PACKET) {
                aac.accept(pts, muLawSine(k * PACKET, PACKET), frames::add);
            }

            for (int i = 1; i < beforeLongGap; i++) {
                assertThat(frames.get(i).pts() - frames.get(i - 1).pts()).isEqualTo(AacTranscoder.FRAME_SAMPLES);
            }
            // 2.4 s of audio: 18 frames of 1024 samples went in, the encoder holds one back
            assertThat(beforeLongGap).isBetween(17, 18);
            // after the long gap: the frames the encoder still held (before the gap), then frames from the new time
            List<Long> after = frames.subList(beforeLongGap, frames.size()).stream()
                    .map(AacTranscoder.AacFrame::pts)
                    .toList();
            assertThat(after)
                    .isSorted()
                    .doesNotHaveDuplicates()
                    .anySatisfy(p -> assertThat(p).isBetween(restart - AacTranscoder.FRAME_SAMPLES, restart))
                    .allSatisfy(p -> assertThat(p)
                            .satisfiesAnyOf(
                                    old -> assertThat(old)
                                            .isLessThan(beforeLongGap * (long) AacTranscoder.FRAME_SAMPLES + 2048),
                                    fresh -> assertThat(fresh)
                                            .isGreaterThanOrEqualTo(restart - AacTranscoder.FRAME_SAMPLES)));
        }
    }

    @Test
    void aLawIsDecodedToo() {
        List<AacTranscoder.AacFrame> frames = new ArrayList<>();
        try (AacTranscoder aac = new AacTranscoder(Codec.PCM_ALAW, RATE, 1, new byte[0])) {
            for (int k = 0; k < 50; k++) {
                aac.accept((long) k * PACKET, muLawSine(k * PACKET, PACKET), frames::add);
            }
        }
        assertThat(frames).hasSizeGreaterThanOrEqualTo(6);
    }

    /** {@code count} samples of a 440 Hz sine (amplitude 0.5) from sample {@code from}, G.711 µ-law encoded. */
    static byte[] muLawSine(int from, int count) {
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            double t = (from + i) / (double) RATE;
            out[i] = muLaw((short) Math.round(0.5 * 32767 * Math.sin(2 * Math.PI * 440 * t)));
        }
        return out;
    }

    /** ITU-T G.711 µ-law encoding of a 16-bit sample. */
    static byte muLaw(short sample) {
        int s = sample;
        int sign = s < 0 ? 0x80 : 0;
        if (s < 0) {
            s = -s;
        }
        s = Math.min(s, 32635) + 0x84;
        int exponent = 7;
        for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (s >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | exponent << 4 | mantissa);
    }

    /** Decodes the frames with FFmpeg's AAC decoder (mono, planar float). */
    static float[] decode(byte[] asc, List<AacTranscoder.AacFrame> frames) {
        AVCodec codec = avcodec.avcodec_find_decoder(avcodec.AV_CODEC_ID_AAC);
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(codec);
        BytePointer extradata = new BytePointer(avutil.av_mallocz(asc.length + avcodec.AV_INPUT_BUFFER_PADDING_SIZE));
        extradata.put(asc);
        ctx.extradata(extradata);
        ctx.extradata_size(asc.length);
        assertThat(avcodec.avcodec_open2(ctx, codec, (AVDictionary) null)).isZero();
        AVPacket pkt = avcodec.av_packet_alloc();
        AVFrame frame = avutil.av_frame_alloc();
        List<Float> samples = new ArrayList<>();
        try {
            for (AacTranscoder.AacFrame f : frames) {
                BytePointer data =
                        new BytePointer(avutil.av_mallocz(f.data().length + avcodec.AV_INPUT_BUFFER_PADDING_SIZE));
                data.put(f.data());
                avcodec.av_packet_from_data(pkt, data, f.data().length);
                assertThat(avcodec.avcodec_send_packet(ctx, pkt)).isZero();
                avcodec.av_packet_unref(pkt);
                while (avcodec.avcodec_receive_frame(ctx, frame) >= 0) {
                    FloatPointer plane = new FloatPointer(frame.data(0));
                    for (int i = 0; i < frame.nb_samples(); i++) {
                        samples.add(plane.get(i));
                    }
                    avutil.av_frame_unref(frame);
                }
            }
        } finally {
            avutil.av_frame_free(frame);
            avcodec.av_packet_free(pkt);
            avcodec.avcodec_free_context(ctx);
        }
        float[] out = new float[samples.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = samples.get(i);
        }
        return out;
    }

    static int zeroCrossings(float[] s, int from, int to) {
        int n = 0;
        for (int i = from + 1; i < to; i++) {
            if ((s[i - 1] < 0) != (s[i] < 0)) {
                n++;
            }
        }
        return n;
    }

    static double rms(float[] s, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += s[i] * s[i];
        }
        return Math.sqrt(sum / (to - from));
    }
}
