package io.kvr.media.rtp.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.rtp.CapturedDatagrams;
import io.kvr.media.rtp.RtpFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class RtcpCompoundProperties {

    private static final List<byte[]> CAPTURED = captured();

    @Property(tries = 1000)
    void arbitraryBytesParseOrFailAsBadInput(@ForAll @Size(max = 120) byte[] bytes, @ForAll boolean looksLikeRtcp) {
        if (looksLikeRtcp && bytes.length > 1) {
            // version 2 and a type kvr reads, so that the generator gets past the first checks
            bytes[0] = (byte) (0x80 | bytes[0] & 0x3f);
            bytes[1] = (byte) (200 + (bytes[1] & 3));
        }
        parsesOrRejects(bytes);
    }

    @Property(tries = 500)
    void mutatedCapturedPacketsParseOrFailAsBadInput(@ForAll("mutatedCapture") byte[] bytes) {
        parsesOrRejects(bytes);
    }

    @Property(tries = 500)
    void writtenPacketsParseBack(@ForAll("compound") List<RtcpPacket> packets) throws RtpFormatException {
        byte[] bytes = RtcpCompound.write(packets);

        assertThat(bytes.length % 4).isZero();
        assertThat(RtcpCompound.parse(bytes, 0, bytes.length)).isEqualTo(packets);
    }

    private static void parsesOrRejects(byte[] bytes) {
        try {
            List<RtcpPacket> packets = RtcpCompound.parse(bytes, 0, bytes.length);
            // what was read writes back without error, no longer than what came
            assertThat(RtcpCompound.write(packets).length).isLessThanOrEqualTo(bytes.length);
        } catch (RtpFormatException expected) {
            // bad input, reported as such
        }
    }

    @Provide
    Arbitrary<byte[]> mutatedCapture() {
        Arbitrary<byte[]> single = Arbitraries.of(CAPTURED).flatMap(RtcpCompoundProperties::mutations);
        // captured packets run together and then damaged: compounds of many packets
        Arbitrary<byte[]> joined = Arbitraries.of(CAPTURED)
                .list()
                .ofMinSize(2)
                .ofMaxSize(4)
                .map(RtcpCompoundProperties::concatenate)
                .flatMap(RtcpCompoundProperties::mutations);
        return Arbitraries.oneOf(single, joined);
    }

    @Provide
    Arbitrary<List<RtcpPacket>> compound() {
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xffff_ffffL);
        Arbitrary<ReportBlock> block = Combinators.combine(
                        u32,
                        Arbitraries.integers().between(0, 255),
                        Arbitraries.integers().between(-(1 << 23), (1 << 23) - 1),
                        u32,
                        u32,
                        u32,
                        u32)
                .as(ReportBlock::new);
        // the most blocks a packet holds is a unit test; a few are enough here and keep generation fast
        Arbitrary<List<ReportBlock>> blocks = block.list().ofMaxSize(6);
        Arbitrary<RtcpPacket> senderReport = Combinators.combine(
                        u32, Arbitraries.longs().map(NtpTimestamp::new), u32, u32, u32, blocks)
                .as(SenderReport::new);
        Arbitrary<RtcpPacket> receiverReport = Combinators.combine(u32, blocks).as(ReceiverReport::new);
        // any text but lone surrogates, which UTF-8 cannot carry
        Arbitrary<String> text = Arbitraries.strings()
                .withCharRange('\u0000', '\ud7ff')
                .withCharRange('\ue000', '\uffff')
                .ofMaxLength(60);
        Arbitrary<SourceDescription.Item> item = Combinators.combine(
                        Arbitraries.integers().between(1, 255), text)
                .as(SourceDescription.Item::new);
        Arbitrary<SourceDescription.Chunk> chunk =
                Combinators.combine(u32, item.list().ofMaxSize(4)).as(SourceDescription.Chunk::new);
        Arbitrary<RtcpPacket> sdes = chunk.list().ofMaxSize(5).map(SourceDescription::new);
        Arbitrary<RtcpPacket> bye =
                Combinators.combine(u32.list().ofMaxSize(31), text).as(Goodbye::new);
        return Arbitraries.oneOf(senderReport, receiverReport, sdes, bye)
                .list()
                .ofMinSize(1)
                .ofMaxSize(4);
    }

    private static Arbitrary<byte[]> mutations(byte[] seed) {
        Arbitrary<byte[]> flipped = Arbitraries.integers()
                .between(0, seed.length * 8 - 1)
                .list()
                .ofMinSize(1)
                .ofMaxSize(6)
                .map(bits -> {
                    byte[] copy = seed.clone();
                    bits.forEach(bit -> copy[bit / 8] ^= (byte) (1 << (bit % 8)));
                    return copy;
                });
        Arbitrary<byte[]> truncated =
                Arbitraries.integers().between(0, seed.length).map(n -> Arrays.copyOf(seed, n));
        Arbitrary<byte[]> duplicated = Arbitraries.integers()
                .between(0, seed.length)
                .map(n -> concatenate(List.of(Arrays.copyOf(seed, n), seed)));
        return Arbitraries.oneOf(flipped, truncated, duplicated);
    }

    private static byte[] concatenate(List<byte[]> parts) {
        byte[] out = new byte[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    private static List<byte[]> captured() {
        List<byte[]> all = new ArrayList<>();
        for (String capture : List.of("ffmpeg-sender", "gstreamer-sender", "gstreamer-receiver")) {
            all.addAll(CapturedDatagrams.read("/rtp/rtcp/" + capture + ".rtcp"));
        }
        return all;
    }
}
