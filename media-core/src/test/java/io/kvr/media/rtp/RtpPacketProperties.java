package io.kvr.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class RtpPacketProperties {

    private static final List<byte[]> CAPTURED = CapturedDatagrams.read("/rtp/rtcp/ffmpeg-h264.rtp");

    @Property(tries = 1000)
    void arbitraryBytesParseOrFailAsBadInput(@ForAll @Size(max = 80) byte[] bytes, @ForAll boolean looksLikeRtp) {
        if (looksLikeRtp && bytes.length > 0) {
            bytes[0] = (byte) (0x80 | bytes[0] & 0x3f);
        }
        parsesOrRejects(bytes, 0, bytes.length);
    }

    @Property(tries = 1000)
    void mutatedCapturedPacketsParseOrFailAsBadInput(@ForAll("mutatedCapture") byte[] bytes) {
        parsesOrRejects(bytes, 0, bytes.length);
    }

    @Property(tries = 1000)
    void writtenHeaderParsesBack(
            @ForAll @IntRange(max = 127) int payloadType,
            @ForAll boolean marker,
            @ForAll @IntRange(max = 0xffff) int sequenceNumber,
            @ForAll @LongRange(max = 0xffff_ffffL) long timestamp,
            @ForAll @LongRange(max = 0xffff_ffffL) long ssrc,
            @ForAll @Size(max = 1500) byte[] payload)
            throws RtpFormatException {
        RtpPacket packet =
                new RtpPacket(payloadType, marker, sequenceNumber, timestamp, ssrc, payload, 0, payload.length);

        byte[] bytes = packet.toByteArray();
        RtpPacket parsed = RtpPacket.parse(bytes, 0, bytes.length);

        assertThat(parsed).isEqualTo(packet);
        assertThat(parsed.payload()).containsExactly(payload);
    }

    private static void parsesOrRejects(byte[] bytes, int offset, int length) {
        try {
            RtpPacket packet = RtpPacket.parse(bytes, offset, length);
            assertThat(packet.payloadOffset()).isBetween(offset + RtpPacket.HEADER_LENGTH, offset + length);
            assertThat(packet.payloadOffset() + packet.payloadLength()).isLessThanOrEqualTo(offset + length);
        } catch (RtpFormatException expected) {
            // bad input, reported as such
        }
    }

    @Provide
    Arbitrary<byte[]> mutatedCapture() {
        return Arbitraries.of(CAPTURED).flatMap(RtpPacketProperties::mutations);
    }

    /** Bit flips, truncation and extension of a captured datagram: the seed corpus's neighbourhood. */
    static Arbitrary<byte[]> mutations(byte[] seed) {
        Arbitrary<byte[]> flipped = Arbitraries.integers()
                .between(0, seed.length * 8 - 1)
                .list()
                .ofMinSize(1)
                .ofMaxSize(8)
                .map(bits -> {
                    byte[] copy = seed.clone();
                    bits.forEach(bit -> copy[bit / 8] ^= (byte) (1 << (bit % 8)));
                    return copy;
                });
        Arbitrary<byte[]> truncated =
                Arbitraries.integers().between(0, seed.length).map(n -> Arrays.copyOf(seed, n));
        Arbitrary<byte[]> headerFlipped = Arbitraries.integers()
                .between(0, Math.min(seed.length, 16) * 8 - 1)
                .map(bit -> {
                    byte[] copy = seed.clone();
                    copy[bit / 8] ^= (byte) (1 << (bit % 8));
                    return copy;
                });
        Arbitrary<byte[]> extended = Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(16)
                .map(tail -> {
                    byte[] copy = Arrays.copyOf(seed, seed.length + tail.length);
                    System.arraycopy(tail, 0, copy, seed.length, tail.length);
                    return copy;
                });
        return Arbitraries.oneOf(flipped, truncated, headerFlipped, extended);
    }
}
