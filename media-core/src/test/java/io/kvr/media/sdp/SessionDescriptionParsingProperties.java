package io.kvr.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.rtp.RtpFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever a peer sends, parsing a session description and reading its payload formats either succeed or throw
 * {@link RtpFormatException}, and what parses writes back to text that parses to the same description.
 */
class SessionDescriptionParsingProperties {

    /** Lines real peers write, to splice into random descriptions so the deeper parsers see plausible input. */
    private static final List<String> SEED_LINES = seedLines();

    @Property(tries = 1000)
    void arbitraryBytesParseOrFailCleanly(@ForAll("bytes") byte[] data) {
        check(data);
    }

    @Property(tries = 600)
    void descriptionLikeTextParsesOrFailsCleanly(@ForAll("descriptionLike") String text) {
        check(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 1000)
    void mutatedFixturesParseOrFailCleanly(@ForAll("mutatedFixtures") byte[] data) {
        check(data);
    }

    /** Parses, reads every payload type's format, and checks that writing and parsing again gives the same. */
    private static void check(byte[] data) {
        SessionDescription sdp;
        try {
            sdp = SessionDescription.parse(data, 0, data.length);
        } catch (RtpFormatException e) {
            Statistics.label("description").collect("refused");
            return;
        }
        Statistics.label("description").collect("parsed");
        for (MediaDescription m : sdp.media()) {
            for (String format : m.formats()) {
                readFormat(m, format);
            }
            m.controlUrl("rtsp://127.0.0.1:8554/cam/");
        }
        sdp.controlUrl("rtsp://127.0.0.1:8554/cam");
        try {
            assertThat(SessionDescription.parse(sdp.format())).isEqualTo(sdp);
            byte[] written = sdp.toBytes();
            assertThat(SessionDescription.parse(written, 0, written.length)).isEqualTo(sdp);
        } catch (RtpFormatException e) {
            throw new AssertionError("written description does not parse: " + e.getMessage(), e);
        }
    }

    private static void readFormat(MediaDescription m, String format) {
        int payloadType;
        try {
            payloadType = SdpText.decimal(format, 127, "payload type");
        } catch (RtpFormatException e) {
            return;
        }
        try {
            PayloadFormat read = PayloadFormat.of(m, payloadType);
            Statistics.label("payload format").collect(read.getClass().getSimpleName());
            assertThat(read.payloadType()).isEqualTo(payloadType);
            // What was read writes back to parameters that read to the same.
            MediaDescription written = new MediaDescription(
                    m.media(),
                    0,
                    "RTP/AVP",
                    List.of(format),
                    java.util.Optional.empty(),
                    List.of(),
                    List.of(
                            new Attribute("rtpmap", read.rtpMap().format()),
                            new Attribute("fmtp", read.formatParameters().format())));
            assertThat(PayloadFormat.of(written, payloadType)).isEqualTo(read);
        } catch (RtpFormatException e) {
            Statistics.label("payload format").collect("refused");
        }
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(600),
                Arbitraries.bytes()
                        .array(byte[].class)
                        .ofMaxSize(600)
                        .map(tail -> concat("v=0\r\n".getBytes(StandardCharsets.US_ASCII), tail)));
    }

    @Provide
    Arbitrary<String> descriptionLike() {
        Arbitrary<String> noise = Arbitraries.strings()
                .withCharRange(' ', '~')
                .withChars('\t', '\r', '\n', 'é', '日', '\u001c', '\u2028')
                .ofMaxLength(40);
        Arbitrary<String> type = Arbitraries.of("v", "o", "s", "c", "t", "b", "m", "a", "i", "z", "", "ab");
        Arbitrary<String> randomLine = Combinators.combine(type, noise).as((t, v) -> t + "=" + v);
        Arbitrary<String> seedLine = Arbitraries.of(SEED_LINES);
        // Consecutive fixture lines keep an m= line with its rtpmap and fmtp.
        Arbitrary<String> seedRun = Combinators.combine(
                        Arbitraries.integers().between(0, SEED_LINES.size() - 1),
                        Arbitraries.integers().between(1, 12))
                .as((from, count) ->
                        String.join("\r\n", SEED_LINES.subList(from, Math.min(SEED_LINES.size(), from + count))));
        Arbitrary<String> splicedLine = Combinators.combine(
                        seedLine, noise, Arbitraries.integers().between(0, 200))
                .as((line, insert, at) -> {
                    int i = Math.min(at, line.length());
                    return line.substring(0, i) + insert + line.substring(i);
                });
        Arbitrary<String> line = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, seedRun),
                net.jqwik.api.Tuple.of(3, splicedLine),
                net.jqwik.api.Tuple.of(2, randomLine));
        Arbitrary<String> ending = Arbitraries.of("\r\n", "\n", "\r", " \r\n", "");
        return Combinators.combine(line, ending)
                .as((l, e) -> l + e)
                .list()
                .ofMaxSize(30)
                .map(lines -> "v=0\r\n" + String.join("", lines));
    }

    @Provide
    Arbitrary<byte[]> mutatedFixtures() {
        Arbitrary<byte[]> fixture = Arbitraries.of(SdpFixtures.NAMES).map(SdpFixtures::bytes);
        Arbitrary<Mutation> mutation = Combinators.combine(
                        Arbitraries.of(MutationKind.values()),
                        Arbitraries.integers().between(0, 1 << 16),
                        Arbitraries.integers().between(0, 1 << 16),
                        Arbitraries.integers().between(0, 7))
                .as(Mutation::new);
        return Combinators.combine(fixture, mutation.list().ofMinSize(1).ofMaxSize(6))
                .as((data, mutations) -> {
                    byte[] out = data;
                    for (Mutation m : mutations) {
                        out = m.apply(out);
                    }
                    return out;
                });
    }

    enum MutationKind {
        FLIP_BIT,
        TRUNCATE,
        DUPLICATE,
        DELETE
    }

    /** One change to a fixture's bytes: positions are taken modulo its length. */
    record Mutation(MutationKind kind, int a, int b, int bit) {
        byte[] apply(byte[] data) {
            if (data.length == 0) {
                return data;
            }
            int from = a % data.length;
            int to = Math.min(data.length, from + b % 64);
            return switch (kind) {
                case FLIP_BIT -> {
                    byte[] out = data.clone();
                    out[from] ^= (byte) (1 << bit);
                    yield out;
                }
                case TRUNCATE -> Arrays.copyOf(data, from);
                case DUPLICATE -> concat(Arrays.copyOf(data, to), Arrays.copyOfRange(data, from, data.length));
                case DELETE -> concat(Arrays.copyOf(data, from), Arrays.copyOfRange(data, to, data.length));
            };
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<String> seedLines() {
        List<String> lines = new ArrayList<>();
        for (String name : SdpFixtures.NAMES) {
            for (String line : new String(SdpFixtures.bytes(name), StandardCharsets.UTF_8).split("\r?\n")) {
                if (!line.startsWith("v=")) {
                    lines.add(line);
                }
            }
        }
        return List.copyOf(lines);
    }
}
