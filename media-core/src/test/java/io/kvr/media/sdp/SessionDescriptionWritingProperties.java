package io.kvr.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.Mpeg4VisualFormat;
import io.kvr.media.codec.VideoFormat;
import io.kvr.media.codec.aac.AudioSpecificConfig;
import io.kvr.media.rtp.RtpFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What kvr writes parses back to what it wrote: a relay's description over arbitrary track sets gives the same
 * payload formats and track controls, and any description record writes to text that parses to an equal record.
 */
class SessionDescriptionWritingProperties {

    private static final String CONTENT_BASE = "rtsp://127.0.0.1:8554/cam1/";

    /** Encodings that have a format type of their own, so a random one for {@link OtherPayloadFormat} avoids them. */
    private static final Set<String> KNOWN_ENCODINGS =
            Set.of("H264", "H265", "MP4V-ES", "MPEG4-GENERIC", "MP4A-LATM", "OPUS", "PCMU", "PCMA");

    private static final List<VideoFormat> H264_FORMATS = new ArrayList<>();
    private static final List<VideoFormat> H265_FORMATS = new ArrayList<>();
    private static final List<Mpeg4VisualFormat> MPEG4_FORMATS = new ArrayList<>();

    static {
        try {
            for (String name : SdpFixtures.NAMES) {
                byte[] data = SdpFixtures.bytes(name);
                for (MediaDescription m :
                        SessionDescription.parse(data, 0, data.length).media()) {
                    switch (PayloadFormat.of(m)) {
                        case H264PayloadFormat f -> f.format().ifPresent(H264_FORMATS::add);
                        case H265PayloadFormat f -> f.format().ifPresent(H265_FORMATS::add);
                        case Mpeg4VisualPayloadFormat f -> f.format().ifPresent(MPEG4_FORMATS::add);
                        default -> {}
                    }
                }
            }
        } catch (RtpFormatException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Property(tries = 500)
    void relayDescriptionParsesBackToItsTracks(
            @ForAll("tracks") List<PayloadFormat> tracks, @ForAll("sessionIds") long sessionId)
            throws RtpFormatException {
        SessionDescription written = RelayDescription.of(sessionId, "10.0.0.5", "cam1", tracks);

        byte[] bytes = written.toBytes();
        SessionDescription parsed = SessionDescription.parse(bytes, 0, bytes.length);

        assertThat(parsed).isEqualTo(written);
        assertThat(parsed.timing()).isEqualTo("0 0");
        assertThat(parsed.connection()).contains("IN IP4 0.0.0.0");
        assertThat(parsed.range()).contains("npt=now-");
        assertThat(parsed.controlUrl(CONTENT_BASE)).isEqualTo(CONTENT_BASE);
        assertThat(parsed.media()).hasSameSizeAs(tracks);
        for (int i = 0; i < tracks.size(); i++) {
            MediaDescription m = parsed.media().get(i);
            assertThat(PayloadFormat.of(m)).isEqualTo(tracks.get(i));
            assertThat(m.port()).isZero();
            assertThat(RelayDescription.trackOf(m.controlUrl(CONTENT_BASE))).hasValue(i);
        }
    }

    @Property(tries = 500)
    void anyDescriptionWritesAndParsesBackEqual(@ForAll("descriptions") SessionDescription description)
            throws RtpFormatException {
        assertThat(SessionDescription.parse(description.format())).isEqualTo(description);
    }

    @Provide
    Arbitrary<Long> sessionIds() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<List<PayloadFormat>> tracks() {
        Arbitrary<Integer> dynamic = Arbitraries.integers().between(96, 127);
        Arbitrary<Integer> clock = Arbitraries.of(8000, 16000, 44100, 48000, 90000);
        Arbitrary<PayloadFormat> h264 = Combinators.combine(
                        dynamic,
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(-1, 0xff_ffff),
                        Arbitraries.of(H264_FORMATS).optional())
                .as(H264PayloadFormat::new);
        Arbitrary<PayloadFormat> h265 = Combinators.combine(
                        dynamic,
                        Arbitraries.integers().between(0, H265PayloadFormat.MAX_DON_DIFF),
                        Arbitraries.of(H265_FORMATS).optional())
                .as(H265PayloadFormat::new);
        Arbitrary<PayloadFormat> mpeg4 = Combinators.combine(
                        dynamic,
                        clock,
                        Arbitraries.integers().between(0, 255),
                        Arbitraries.of(MPEG4_FORMATS).optional())
                .as(Mpeg4VisualPayloadFormat::new);
        Arbitrary<AudioFormat> aacFormat = Combinators.combine(
                        Arbitraries.of(8000, 16000, 22050, 32000, 44100, 48000, 96000),
                        Arbitraries.integers().between(1, 7))
                .as((rate, channels) ->
                        AudioFormat.fromAudioSpecificConfig(AudioSpecificConfig.lowComplexity(rate, channels)));
        Arbitrary<Integer> bits = Arbitraries.integers().between(0, AacPayloadFormat.MAX_FIELD_BITS);
        Arbitrary<PayloadFormat> aac = Combinators.combine(
                        dynamic, clock, aacFormat, Arbitraries.of("AAC-hbr", "AAC-lbr", ""), bits, bits, bits)
                .as(AacPayloadFormat::new);
        Arbitrary<PayloadFormat> latm = Combinators.combine(
                        dynamic,
                        clock,
                        Arbitraries.integers().between(0, 8),
                        Arbitraries.of(true, false),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(12))
                .as(LatmPayloadFormat::new);
        Arbitrary<PayloadFormat> opus =
                Combinators.combine(dynamic, Arbitraries.of(true, false)).as(OpusPayloadFormat::new);
        Arbitrary<PayloadFormat> g711 = Combinators.combine(
                        Arbitraries.integers().between(0, 127),
                        Arbitraries.of(true, false),
                        clock,
                        Arbitraries.integers().between(1, 8))
                .as(G711PayloadFormat::new);
        Arbitrary<PayloadFormat> other = Combinators.combine(
                        Arbitraries.of("video", "audio", "application", "text"),
                        dynamic,
                        token().filter(t ->
                                !KNOWN_ENCODINGS.contains(t.toUpperCase(Locale.ROOT)) && t.indexOf('/') < 0),
                        clock,
                        Arbitraries.integers().between(0, 8),
                        Arbitraries.maps(
                                        token().map(t -> t.toLowerCase(Locale.ROOT))
                                                .filter(t -> t.indexOf('=') < 0 && t.indexOf(';') < 0),
                                        value().filter(v -> v.indexOf(';') < 0))
                                .ofMaxSize(4))
                .as((media, pt, encoding, rate, channels, parameters) -> new OtherPayloadFormat(
                        media, new RtpMap(pt, encoding, rate, channels), new FormatParameters(pt, parameters)));
        return Arbitraries.oneOf(h264, h265, mpeg4, aac, latm, opus, g711, other)
                .list()
                .ofMaxSize(6);
    }

    @Provide
    Arbitrary<SessionDescription> descriptions() {
        Arbitrary<Attribute> attribute = Combinators.combine(
                        token().filter(t -> t.indexOf(':') < 0), Arbitraries.oneOf(value(), Arbitraries.just("")))
                .as(Attribute::new);
        Arbitrary<Bandwidth> bandwidth = Combinators.combine(
                        token().filter(t -> t.indexOf(':') < 0),
                        Arbitraries.longs().between(0, Integer.MAX_VALUE))
                .as(Bandwidth::new);
        Arbitrary<Optional<String>> connection = Arbitraries.of("IN IP4 0.0.0.0", "IN IP6 ::1", "IN IP4 224.2.1.1/127")
                .optional();
        Arbitrary<MediaDescription> media = Combinators.combine(
                        Arbitraries.of("video", "audio", "application"),
                        Arbitraries.integers().between(0, 0xffff),
                        Arbitraries.of("RTP/AVP", "RTP/AVPF", "RTP/SAVP", "TCP/RTP/AVP"),
                        Arbitraries.integers()
                                .between(0, 127)
                                .map(String::valueOf)
                                .list()
                                .ofMaxSize(4),
                        connection,
                        bandwidth.list().ofMaxSize(2),
                        attribute.list().ofMaxSize(8))
                .as(MediaDescription::new);
        return Combinators.combine(
                        Arbitraries.oneOf(value(), Arbitraries.just("")),
                        Arbitraries.oneOf(value(), Arbitraries.just("")),
                        connection,
                        bandwidth.list().ofMaxSize(2),
                        Arbitraries.of("0 0", "3034423619 3042462419"),
                        attribute.list().ofMaxSize(6),
                        media.list().ofMaxSize(5))
                .as(SessionDescription::new);
    }

    /** A token: printable ASCII and some letters beyond, no white space. */
    private static Arbitrary<String> token() {
        return Arbitraries.strings()
                .withCharRange('!', '~')
                .withChars('é', 'ß', '日')
                .ofMinLength(1)
                .ofMaxLength(12);
    }

    /** A one-line value without surrounding white space. */
    private static Arbitrary<String> value() {
        return Arbitraries.strings()
                .withCharRange(' ', '~')
                .withChars('é', '日', '\t')
                .ofMinLength(1)
                .ofMaxLength(24)
                .map(String::strip)
                .filter(v -> !v.isEmpty());
    }
}
