package io.kvr.media.rtp.aac;

import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.function.Consumer;

/**
 * AAC access units from RFC 3640 {@code mpeg4-generic} packets (modes AAC-hbr and AAC-lbr): the AU header section
 * (3.2.1: a 16-bit AU-headers-length in bits, then one AU header per access unit), then the access units back to
 * back (3.2.3). A packet holds several whole access units, or one fragment of a single access unit whose AU-size is
 * larger than the data the packet carries (3.2.3.2; the last fragment has the marker). Interleaving (a non-zero
 * AU-Index or AU-Index-delta) is refused. One instance per stream; not thread-safe.
 */
public final class Mpeg4GenericDepacketizer implements Depacketizer {

    private final AuHeaderLayout layout;
    private final int unitDuration;
    private byte[] fragment;
    private int fragmentFilled;
    private long fragmentTimestamp;
    private boolean skipping;
    private long skipTimestamp;
    private long dropped;

    /**
     * @param unitDuration RTP clock ticks per access unit: the frame length (1024 for AAC, or what
     *     {@link io.kvr.media.codec.aac.AudioSpecificConfig#frameLength} says) when the clock rate is the sampling
     *     rate, as RFC 3640 3.2.1 has it; gives the timestamps of the second and later units of a packet
     */
    public Mpeg4GenericDepacketizer(AuHeaderLayout layout, int unitDuration) {
        if (unitDuration <= 0) {
            throw new IllegalArgumentException("unit duration " + unitDuration);
        }
        this.layout = layout;
        this.unitDuration = unitDuration;
    }

    @Override
    public void accept(RtpPacket packet, Consumer<MediaFrame> out) throws RtpFormatException {
        byte[] b = packet.buffer();
        int start = packet.payloadOffset();
        int length = packet.payloadLength();
        if (length < 2) {
            throw invalid("mpeg4-generic payload of " + length + " bytes has no AU-headers-length");
        }
        int headerBits = (b[start] & 0xff) << 8 | (b[start + 1] & 0xff);
        int headerBytes = (headerBits + 7) >>> 3;
        int dataOffset = start + 2 + headerBytes;
        int dataLength = length - 2 - headerBytes;
        if (dataLength < 0) {
            throw invalid("AU header section of " + headerBits + " bits in a " + length + "-byte payload");
        }
        if (headerBits == 0) {
            throw invalid("mpeg4-generic packet without AU headers");
        }
        // First pass: check every header before handing anything out (3.2.1, 3.3.6).
        int count = 0;
        long total = 0;
        int firstSize = 0;
        for (int bit = 0; bit < headerBits; count++) {
            int bits = layout.headerBits(count);
            if (bit + bits > headerBits) {
                throw invalid("AU header section of " + headerBits + " bits ends inside AU header " + count);
            }
            int size = readBits(b, start + 2, bit, layout.sizeLength());
            int index = readBits(b, start + 2, bit + layout.sizeLength(), bits - layout.sizeLength());
            if (index != 0) {
                throw invalid("interleaved mpeg4-generic (AU-Index " + index + ") is not supported");
            }
            if (size == 0) {
                throw invalid("AU-size 0 in AU header " + count);
            }
            if (count == 0) {
                firstSize = size;
            }
            total += size;
            bit += bits;
        }
        if (count == 1 && firstSize > dataLength) {
            fragment(packet, firstSize, b, dataOffset, dataLength, out);
            return;
        }
        skipping = false;
        if (fragment != null) {
            dropFragment(); // its last fragment never came
        }
        if (total > dataLength) {
            throw invalid(count + " access units of " + total + " bytes in " + dataLength + " bytes of data");
        }
        long timestamp = packet.timestamp();
        int offset = dataOffset;
        for (int i = 0, bit = 0; i < count; i++) {
            int size = readBits(b, start + 2, bit, layout.sizeLength());
            bit += layout.headerBits(i);
            byte[] unit = new byte[size];
            System.arraycopy(b, offset, unit, 0, size);
            offset += size;
            out.accept(new MediaFrame((timestamp + (long) i * unitDuration) & 0xffff_ffffL, true, unit));
        }
    }

    /** One fragment of an access unit of {@code size} bytes (RFC 3640 3.2.3.2: each carries the whole AU-size). */
    private void fragment(RtpPacket packet, int size, byte[] b, int offset, int length, Consumer<MediaFrame> out)
            throws RtpFormatException {
        long timestamp = packet.timestamp();
        if (skipping && timestamp == skipTimestamp) {
            // The rest of a unit that lost a fragment: already counted.
            skipping = !packet.marker();
            return;
        }
        skipping = false;
        if (fragment != null && (fragmentTimestamp != timestamp || fragment.length != size)) {
            dropFragment();
        }
        if (fragment == null) {
            fragment = new byte[size];
            fragmentFilled = 0;
            fragmentTimestamp = timestamp;
        }
        if (fragmentFilled + length > size) {
            dropFragment();
            throw invalid("fragments of an access unit of " + size + " bytes carry more");
        }
        System.arraycopy(b, offset, fragment, fragmentFilled, length);
        fragmentFilled += length;
        if (packet.marker()) {
            if (fragmentFilled == size) {
                byte[] unit = fragment;
                fragment = null;
                out.accept(new MediaFrame(timestamp, true, unit));
            } else {
                dropFragment(); // began with a middle fragment after a loss
            }
        }
    }

    @Override
    public void lost(int packets) {
        if (fragment != null) {
            skipping = true;
            skipTimestamp = fragmentTimestamp;
            dropFragment();
        }
    }

    @Override
    public void flush(Consumer<MediaFrame> out) {
        if (fragment != null && fragmentFilled == fragment.length) {
            byte[] unit = fragment;
            fragment = null;
            out.accept(new MediaFrame(fragmentTimestamp, true, unit));
        } else if (fragment != null) {
            dropFragment();
        }
        skipping = false;
    }

    @Override
    public long droppedUnits() {
        return dropped;
    }

    private void dropFragment() {
        fragment = null;
        dropped++;
    }

    /** Counts the unit the bad packet carried and drops a pending fragment with it. */
    private RtpFormatException invalid(String message) {
        fragment = null;
        skipping = false;
        dropped++;
        return new RtpFormatException(message);
    }

    /** {@code n} bits (0..16) starting {@code bit} bits after {@code data[offset]}, most significant first. */
    static int readBits(byte[] data, int offset, int bit, int n) {
        int value = 0;
        for (int i = bit; i < bit + n; i++) {
            value = value << 1 | (data[offset + (i >>> 3)] >>> (7 - (i & 7))) & 1;
        }
        return value;
    }
}
