package io.kvr.bridge.rtspserver;

import io.kvr.bridge.rtsp.SourceTrack;
import io.kvr.media.MediaException;
import io.kvr.media.codec.VideoFormat;
import io.kvr.media.codec.aac.AudioSpecificConfig;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.aac.AuHeaderLayout;
import io.kvr.media.rtp.aac.Mpeg4GenericDepacketizer;
import io.kvr.media.rtp.g711.G711Depacketizer;
import io.kvr.media.rtp.latm.LatmDepacketizer;
import io.kvr.media.rtp.latm.StreamMuxConfig;
import io.kvr.media.rtp.opus.OpusDepacketizer;
import io.kvr.media.rtp.video.H264Depacketizer;
import io.kvr.media.rtp.video.H265Depacketizer;
import io.kvr.media.rtp.video.Mpeg4VisualDepacketizer;
import io.kvr.media.sdp.AacPayloadFormat;
import io.kvr.media.sdp.G711PayloadFormat;
import io.kvr.media.sdp.H264PayloadFormat;
import io.kvr.media.sdp.H265PayloadFormat;
import io.kvr.media.sdp.LatmPayloadFormat;
import io.kvr.media.sdp.MediaDescription;
import io.kvr.media.sdp.Mpeg4VisualPayloadFormat;
import io.kvr.media.sdp.OpusPayloadFormat;
import io.kvr.media.sdp.OtherPayloadFormat;
import io.kvr.media.sdp.PayloadFormat;
import io.kvr.media.sdp.SessionDescription;
import io.kvr.schemas.Codec;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a publisher's session description (the ANNOUNCE body) gives kvr to record: one {@link AnnouncedTrack} per
 * audio or video section of a payload format media-core depacketizes (H.264, H.265, MPEG-4 Part 2, AAC as
 * mpeg4-generic or LATM, G.711, Opus), numbered from 0 in SDP order, with the codec configuration the SDP carries
 * (sprop parameter sets in Annex B, AudioSpecificConfig, VOL header) as {@link SourceTrack} documents it. Other
 * sections are listed in {@link #ignored()}: their packets are dropped.
 *
 * @param ignored the sections not recorded, described for the log and the answer
 */
public record AnnouncedMedia(List<AnnouncedTrack> tracks, List<String> ignored) {
    private static final byte[] START_CODE = {0, 0, 0, 1};
    /** AAC frames hold 1024 samples unless the AudioSpecificConfig says otherwise (ISO/IEC 14496-3 4.5.1.1). */
    private static final int AAC_FRAME = 1024;

    public AnnouncedMedia {
        tracks = List.copyOf(tracks);
        ignored = List.copyOf(ignored);
    }

    /**
     * The tracks of {@code sdp}.
     *
     * @throws RtpFormatException if a section of a format kvr records has malformed parameters (the message names
     *     the section)
     */
    public static AnnouncedMedia of(SessionDescription sdp) throws RtpFormatException {
        List<AnnouncedTrack> tracks = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (int i = 0; i < sdp.media().size(); i++) {
            MediaDescription section = sdp.media().get(i);
            String control = section.control().orElse("").strip();
            if (section.payloadType() < 0) {
                ignored.add("m=" + section.media() + " " + section.protocol() + " (no RTP payload type)");
                continue;
            }
            PayloadFormat format;
            try {
                format = PayloadFormat.of(section);
            } catch (RtpFormatException e) {
                throw new RtpFormatException("media section " + i + " (m=" + section.media() + "): " + e.getMessage());
            }
            Optional<AnnouncedTrack> track;
            try {
                track = track(tracks.size(), format, control);
            } catch (MediaException | IllegalArgumentException e) {
                throw new RtpFormatException("media section " + i + " (m=" + section.media() + "): " + e.getMessage());
            }
            if (track.isPresent()) {
                tracks.add(track.get());
            } else {
                ignored.add("m=" + section.media() + " " + format.rtpMap().encoding());
            }
        }
        return new AnnouncedMedia(tracks, ignored);
    }

    private static Optional<AnnouncedTrack> track(int index, PayloadFormat format, String control)
            throws RtpFormatException {
        int pt = format.payloadType();
        return switch (format) {
            case H264PayloadFormat h -> {
                List<byte[]> sets =
                        h.format().map(AnnouncedMedia::parameterSets).orElse(List.of());
                yield Optional.of(new AnnouncedTrack(
                        video(index, Codec.H264, H264PayloadFormat.CLOCK_RATE, h.format()),
                        pt,
                        H264PayloadFormat.CLOCK_RATE,
                        control,
                        () -> new H264Depacketizer(sets)));
            }
            case H265PayloadFormat h -> {
                List<byte[]> sets =
                        h.format().map(AnnouncedMedia::parameterSets).orElse(List.of());
                int maxDonDiff = h.maxDonDiff();
                // fail here rather than at RECORD: the same arguments are used again per session
                H265Depacketizer.forMaxDonDiff(maxDonDiff, sets);
                yield Optional.of(new AnnouncedTrack(
                        video(index, Codec.H265, H265PayloadFormat.CLOCK_RATE, h.format()),
                        pt,
                        H265PayloadFormat.CLOCK_RATE,
                        control,
                        () -> uncheckedH265(maxDonDiff, sets)));
            }
            case Mpeg4VisualPayloadFormat m -> {
                byte[] config = m.format().map(f -> f.decoderSpecificInfo()).orElse(new byte[0]);
                int width = m.format().map(f -> f.width()).orElse(0);
                int height = m.format().map(f -> f.height()).orElse(0);
                yield Optional.of(new AnnouncedTrack(
                        new SourceTrack(index, Codec.MPEG4, true, 1, m.clockRate(), width, height, 0, 0, config, 0, 0),
                        pt,
                        m.clockRate(),
                        control,
                        () -> new Mpeg4VisualDepacketizer(config)));
            }
            case AacPayloadFormat a -> {
                AuHeaderLayout layout = new AuHeaderLayout(a.sizeLength(), a.indexLength(), a.indexDeltaLength());
                byte[] asc = a.format().audioSpecificConfig();
                int duration = unitDuration(asc, a.clockRate(), a.format().sampleRate());
                yield Optional.of(new AnnouncedTrack(
                        audio(
                                index,
                                Codec.AAC,
                                a.clockRate(),
                                a.format().sampleRate(),
                                a.format().channels(),
                                asc),
                        pt,
                        a.clockRate(),
                        control,
                        () -> new Mpeg4GenericDepacketizer(layout, duration)));
            }
            case LatmPayloadFormat l -> {
                if (l.streamMuxConfig().length == 0) {
                    // cpresent=1: the configuration comes in band, which the LATM depacketizer does not read
                    yield Optional.empty();
                }
                StreamMuxConfig mux = StreamMuxConfig.parse(l.streamMuxConfig());
                byte[] asc = mux.audioFormat().audioSpecificConfig();
                int duration = Math.max(1, (int) ((long) mux.frameLength()
                        * l.clockRate()
                        / mux.audioFormat().sampleRate()));
                yield Optional.of(new AnnouncedTrack(
                        audio(
                                index,
                                Codec.AAC,
                                l.clockRate(),
                                mux.audioFormat().sampleRate(),
                                mux.audioFormat().channels(),
                                asc),
                        pt,
                        l.clockRate(),
                        control,
                        () -> new LatmDepacketizer(mux, duration)));
            }
            case G711PayloadFormat g ->
                Optional.of(new AnnouncedTrack(
                        audio(
                                index,
                                g.muLaw() ? Codec.PCM_MULAW : Codec.PCM_ALAW,
                                g.clockRate(),
                                g.clockRate(),
                                Math.max(1, g.channels()),
                                new byte[0]),
                        pt,
                        g.clockRate(),
                        control,
                        G711Depacketizer::new));
            case OpusPayloadFormat o ->
                Optional.of(new AnnouncedTrack(
                        // RFC 7587 7: the rtpmap always says 48000/2; the stream may be mono
                        audio(index, Codec.OPUS, OpusPayloadFormat.CLOCK_RATE, 48_000, o.stereo() ? 2 : 1, new byte[0]),
                        pt,
                        OpusPayloadFormat.CLOCK_RATE,
                        control,
                        OpusDepacketizer::new));
            case OtherPayloadFormat other -> Optional.empty();
        };
    }

    private static H265Depacketizer uncheckedH265(int maxDonDiff, List<byte[]> sets) {
        try {
            return H265Depacketizer.forMaxDonDiff(maxDonDiff, sets);
        } catch (RtpFormatException e) {
            throw new IllegalStateException("checked when announced", e);
        }
    }

    /** RTP ticks per AAC frame: the frame length at the sampling rate, scaled when the clock runs at another rate. */
    private static int unitDuration(byte[] audioSpecificConfig, int clockRate, int sampleRate) {
        int frame;
        try {
            frame = AudioSpecificConfig.frameLength(audioSpecificConfig);
        } catch (MediaException e) {
            frame = AAC_FRAME;
        }
        return sampleRate <= 0 ? frame : Math.max(1, (int) ((long) frame * clockRate / sampleRate));
    }

    private static SourceTrack video(int index, Codec codec, int clockRate, Optional<VideoFormat> format) {
        return new SourceTrack(
                index,
                codec,
                true,
                1,
                clockRate,
                format.map(VideoFormat::width).orElse(0),
                format.map(VideoFormat::height).orElse(0),
                0,
                0,
                format.map(AnnouncedMedia::annexB).orElse(new byte[0]),
                0,
                0);
    }

    private static SourceTrack audio(
            int index, Codec codec, int clockRate, int sampleRate, int channels, byte[] extradata) {
        return new SourceTrack(index, codec, false, 1, clockRate, 0, 0, sampleRate, channels, extradata, 0, 0);
    }

    private static List<byte[]> parameterSets(VideoFormat f) {
        List<byte[]> all = new ArrayList<>(f.vps());
        all.addAll(f.sps());
        all.addAll(f.pps());
        return all;
    }

    /** The parameter sets in Annex B form with 4-byte start codes, as {@link SourceTrack#extradata()} has them. */
    private static byte[] annexB(VideoFormat f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] unit : parameterSets(f)) {
            out.writeBytes(START_CODE);
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }
}
