package io.kvr.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Packets captured from real senders under {@code src/test/resources/rtp/<format>/}, and helpers that feed
 * packets to a depacketizer.
 *
 * <p>Each capture is three files made by one FFmpeg 7.1 command that encodes a 1 s sine twice, once to
 * {@code framemd5} (the units the encoder wrote: size and MD5 each) and once to RTP on the loopback, e.g.
 * {@code ffmpeg -f lavfi -i sine=frequency=440:sample_rate=48000:duration=1 -c:a aac -b:a 64k -ac 2 -f framemd5
 * X.framemd5 -c:a aac -b:a 64k -ac 2 -sdp_file X.sdp -f rtp rtp://127.0.0.1:PORT} (with {@code -rtpflags latm},
 * {@code -pkt_size 200}, {@code -c:a pcm_mulaw}, {@code -c:a libopus} for the others). {@code X.packets} holds
 * each UDP datagram as received, after a 16-bit big-endian length.
 */
public final class AudioCorpus {

    /** One unit of a {@code framemd5} listing. */
    public record ReferenceUnit(long pts, int size, String md5) {}

    private AudioCorpus() {}

    /** The RTP packets of a {@code .packets} resource, in arrival order. */
    public static List<RtpPacket> packets(String resource) {
        byte[] file = read(resource);
        List<RtpPacket> packets = new ArrayList<>();
        for (int pos = 0; pos < file.length; ) {
            int length = (file[pos] & 0xff) << 8 | (file[pos + 1] & 0xff);
            pos += 2;
            try {
                packets.add(RtpPacket.parse(Arrays.copyOfRange(file, pos, pos + length), 0, length));
            } catch (RtpFormatException e) {
                throw new AssertionError("captured packet does not parse", e);
            }
            pos += length;
        }
        return packets;
    }

    /** The units of a {@code .framemd5} resource. */
    public static List<ReferenceUnit> units(String resource) {
        List<ReferenceUnit> units = new ArrayList<>();
        for (String line : new String(read(resource), StandardCharsets.US_ASCII).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",");
            units.add(new ReferenceUnit(Long.parseLong(f[2].trim()), Integer.parseInt(f[4].trim()), f[5].trim()));
        }
        return units;
    }

    /** Every unit the depacketizer hands out for {@code packets}; any exception fails. */
    public static List<MediaFrame> depacketize(Depacketizer depacketizer, List<RtpPacket> packets) {
        List<MediaFrame> frames = new ArrayList<>();
        for (RtpPacket p : packets) {
            try {
                depacketizer.accept(p, frames::add);
            } catch (RtpFormatException e) {
                throw new AssertionError(p + " refused", e);
            }
        }
        depacketizer.flush(frames::add);
        return frames;
    }

    /**
     * Feeds {@code packets} after random damage (bit flips, truncation, duplication, loss, reordering): only
     * {@link RtpFormatException} may come out; returns the units handed out.
     */
    public static List<MediaFrame> feedDamaged(Depacketizer depacketizer, List<RtpPacket> packets, long seed) {
        Random random = new Random(seed);
        List<MediaFrame> frames = new ArrayList<>();
        List<RtpPacket> input = new ArrayList<>(packets);
        for (int i = 0; i < input.size(); i++) {
            RtpPacket p = input.get(i);
            int action = random.nextInt(10);
            if (action == 0) {
                depacketizer.lost(1 + random.nextInt(3));
                continue;
            }
            byte[] payload = p.payload();
            if (action == 1 && payload.length > 0) {
                payload[random.nextInt(payload.length)] ^= (byte) (1 << random.nextInt(8));
            } else if (action == 2) {
                payload = Arrays.copyOf(payload, random.nextInt(payload.length + 1));
            } else if (action == 3) {
                input.add(i + 1, p);
            } else if (action == 4 && i + 1 < input.size()) {
                input.set(i, input.get(i + 1));
                input.set(i + 1, p);
            }
            boolean marker = action == 5 ? !p.marker() : p.marker();
            RtpPacket damaged = new RtpPacket(
                    p.payloadType(), marker, p.sequenceNumber(), p.timestamp(), p.ssrc(), payload, 0, payload.length);
            try {
                depacketizer.accept(damaged, frames::add);
            } catch (RtpFormatException expected) {
                // counted and skipped, as a receiver does
            }
        }
        depacketizer.flush(frames::add);
        return frames;
    }

    /** Packets of {@code payloads}, as a packetizer's sink cut them. */
    public static RtpPacket packet(boolean marker, int sequenceNumber, long timestamp, byte[] payload) {
        return new RtpPacket(96, marker, sequenceNumber & 0xffff, timestamp, 1, payload, 0, payload.length);
    }

    /** Header and slice joined, as the payload a sink would send. */
    public static byte[] join(byte[] header, byte[] data, int offset, int length) {
        byte[] payload = Arrays.copyOf(header, header.length + length);
        System.arraycopy(data, offset, payload, header.length, length);
        return payload;
    }

    public static String md5(byte[] data, int offset, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(data, offset, length);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asserts that {@code frames} are the reference units, byte for byte. */
    public static void assertSameUnits(List<MediaFrame> frames, List<ReferenceUnit> reference) {
        assertThat(frames).hasSameSizeAs(reference);
        for (int i = 0; i < frames.size(); i++) {
            byte[] data = frames.get(i).data();
            assertThat(data.length)
                    .as("size of unit %d", i)
                    .isEqualTo(reference.get(i).size());
            assertThat(md5(data, 0, data.length))
                    .as("MD5 of unit %d", i)
                    .isEqualTo(reference.get(i).md5());
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = AudioCorpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
