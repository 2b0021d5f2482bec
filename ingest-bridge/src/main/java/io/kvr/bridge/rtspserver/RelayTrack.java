package io.kvr.bridge.rtspserver;

import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.Mpeg4VisualFormat;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import io.kvr.media.rtp.Packetizer;
import io.kvr.media.rtp.aac.AuHeaderLayout;
import io.kvr.media.rtp.aac.Mpeg4GenericPacketizer;
import io.kvr.media.rtp.g711.G711Packetizer;
import io.kvr.media.rtp.opus.OpusPacketizer;
import io.kvr.media.rtp.video.H264Packetizer;
import io.kvr.media.rtp.video.H265Packetizer;
import io.kvr.media.rtp.video.Mpeg4VisualPacketizer;
import io.kvr.media.sdp.AacPayloadFormat;
import io.kvr.media.sdp.G711PayloadFormat;
import io.kvr.media.sdp.H264PayloadFormat;
import io.kvr.media.sdp.H265PayloadFormat;
import io.kvr.media.sdp.Mpeg4VisualPayloadFormat;
import io.kvr.media.sdp.OpusPayloadFormat;
import io.kvr.media.sdp.PayloadFormat;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One track of a live stream as the relay sends it: the media topic's track index, its SDP payload format, the RTP
 * clock rate and the timebase of its units' pts.
 *
 * @param track the track index of the stream's {@code StreamInfo} (and of its units)
 * @param format what DESCRIBE announces; video at 90 kHz (RFC 6184 8.2.1, RFC 7798 7.1, RFC 6416 7.1), audio at
 *     its sampling rate (RFC 3640 4.1, RFC 3551 4.5.14), Opus at 48 kHz (RFC 7587 4.1)
 * @param video whether the track is video: the relay starts viewers on its keyframes
 * @param packetizers a fresh packetizer per viewer (packetizers are not thread-safe)
 */
record RelayTrack(
        int track,
        PayloadFormat format,
        boolean video,
        int timebaseNum,
        int timebaseDen,
        Supplier<Packetizer> packetizers) {

    /** First dynamic payload type (RFC 3551 6). */
    private static final int DYNAMIC = 96;

    int clockRate() {
        return format.rtpMap().clockRate();
    }

    /** The RTP timestamp (before the viewer's random offset) of a pts in this track's timebase. */
    long rtpTicks(long pts) {
        // pts * num * clock / den without overflow for any pts a session reaches (2^63 / 90000 / num ticks)
        return Math.floorDiv(Math.multiplyExact(pts, (long) timebaseNum * clockRate()), timebaseDen);
    }

    /**
     * The tracks of {@code info} the relay can send, in the order of the description; a track it cannot (an
     * unknown codec, configuration it cannot read) is left out.
     */
    static List<RelayTrack> of(StreamInfo info) {
        List<RelayTrack> out = new ArrayList<>();
        for (TrackInfo t : info.getTracks()) {
            of(t, DYNAMIC + out.size()).ifPresent(out::add);
        }
        return out;
    }

    static Optional<RelayTrack> of(TrackInfo t, int payloadType) {
        byte[] extradata = bytes(t.getExtradata());
        int num = t.getTimebaseNum();
        int den = t.getTimebaseDen();
        if (num <= 0 || den <= 0) {
            return Optional.empty();
        }
        try {
            return switch (t.getCodec()) {
                case H264 -> {
                    Optional<VideoFormat> f = videoFormat(VideoCodec.H264, extradata);
                    PayloadFormat p = f.isPresent()
                            ? H264PayloadFormat.of(payloadType, f.get())
                            : new H264PayloadFormat(payloadType, 1, -1, Optional.empty());
                    yield Optional.of(new RelayTrack(t.getTrack(), p, true, num, den, H264Packetizer::new));
                }
                case H265 -> {
                    Optional<VideoFormat> f = videoFormat(VideoCodec.H265, extradata);
                    PayloadFormat p = f.isPresent()
                            ? H265PayloadFormat.of(payloadType, f.get())
                            : new H265PayloadFormat(payloadType, 0, Optional.empty());
                    yield Optional.of(new RelayTrack(t.getTrack(), p, true, num, den, H265Packetizer::new));
                }
                case MPEG4 -> {
                    PayloadFormat p = extradata.length > 0
                            ? Mpeg4VisualPayloadFormat.of(payloadType, Mpeg4VisualFormat.fromExtradata(extradata))
                            : new Mpeg4VisualPayloadFormat(
                                    payloadType,
                                    90000,
                                    Mpeg4VisualPayloadFormat.DEFAULT_PROFILE_LEVEL_ID,
                                    Optional.empty());
                    yield Optional.of(new RelayTrack(t.getTrack(), p, true, num, den, Mpeg4VisualPacketizer::new));
                }
                case AAC -> {
                    if (extradata.length == 0) {
                        yield Optional.empty(); // RFC 3640 4.1: config is required
                    }
                    AudioFormat f = AudioFormat.fromAudioSpecificConfig(extradata);
                    yield Optional.of(new RelayTrack(
                            t.getTrack(),
                            AacPayloadFormat.highBitRate(payloadType, f),
                            false,
                            num,
                            den,
                            () -> new Mpeg4GenericPacketizer(AuHeaderLayout.AAC_HBR)));
                }
                case PCM_MULAW, PCM_ALAW -> {
                    boolean muLaw = t.getCodec() == io.kvr.schemas.Codec.PCM_MULAW;
                    int rate = t.getSampleRate() > 0 ? t.getSampleRate() : 8000;
                    int channels = Math.max(1, t.getChannels());
                    G711PayloadFormat p = rate == 8000 && channels == 1
                            ? G711PayloadFormat.telephony(muLaw)
                            : new G711PayloadFormat(payloadType, muLaw, rate, channels);
                    yield Optional.of(new RelayTrack(t.getTrack(), p, false, num, den, G711Packetizer::new));
                }
                case OPUS ->
                    Optional.of(new RelayTrack(
                            t.getTrack(),
                            new OpusPayloadFormat(payloadType, t.getChannels() == 2),
                            false,
                            num,
                            den,
                            OpusPacketizer::new));
                default -> Optional.empty();
            };
        } catch (RuntimeException e) {
            // configuration that does not parse: the track is not offered rather than the stream refused
            return Optional.empty();
        }
    }

    private static Optional<VideoFormat> videoFormat(VideoCodec codec, byte[] extradata) {
        if (extradata.length == 0) {
            return Optional.empty(); // parameter sets come in band, with the keyframes
        }
        return Optional.of(VideoFormat.fromExtradata(codec, extradata));
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
