package io.kvr.media.rtp.latm;

import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * AAC access units from MP4A-LATM packets with the StreamMuxConfig out of band (RFC 6416 6.1, {@code cpresent=0}).
 * The packets up to one with the marker hold one or more audioMuxElements; each is, per subframe, a
 * PayloadLengthInfo (bytes of 0xFF adding 255 each, then a last byte adding its value: frameLengthType 0, ISO/IEC
 * 14496-3 1.7.3) and a PayloadMux of that many bytes, one access unit. All fragments of an element share its
 * timestamp; the n-th unit is the element's timestamp plus n unit durations. One instance per stream; not
 * thread-safe.
 */
public final class LatmDepacketizer implements Depacketizer {

    /** Largest audioMuxElement reassembled: far above 6144 bits per channel (14496-3 4.5.3.1) for 8 channels. */
    public static final int MAX_ELEMENT_SIZE = 1 << 16;

    private final int subFrames;
    private final int unitDuration;
    private byte[] buffer = new byte[2048];
    private int filled;
    private long timestamp;
    private boolean skipping;
    private long skipTimestamp;
    private long dropped;

    /**
     * @param config the stream's StreamMuxConfig (the SDP's {@code config})
     * @param unitDuration RTP clock ticks per access unit, {@code config.frameLength()} when the clock rate is
     *     the sampling rate
     */
    public LatmDepacketizer(StreamMuxConfig config, int unitDuration) {
        if (unitDuration <= 0) {
            throw new IllegalArgumentException("unit duration " + unitDuration);
        }
        this.subFrames = config.numSubFrames() + 1;
        this.unitDuration = unitDuration;
    }

    @Override
    public void accept(RtpPacket packet, Consumer<MediaFrame> out) throws RtpFormatException {
        long ts = packet.timestamp();
        if (skipping && ts == skipTimestamp) {
            // The rest of an element that lost a fragment: already counted.
            skipping = !packet.marker();
            return;
        }
        skipping = false;
        if (filled > 0 && ts != timestamp) {
            dropPending(); // its marker packet never came
        }
        int length = packet.payloadLength();
        if (filled + length > MAX_ELEMENT_SIZE) {
            dropPending();
            throw new RtpFormatException("audioMuxElement over " + MAX_ELEMENT_SIZE + " bytes");
        }
        if (filled + length > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(MAX_ELEMENT_SIZE, Math.max(filled + length, buffer.length * 2)));
        }
        System.arraycopy(packet.buffer(), packet.payloadOffset(), buffer, filled, length);
        filled += length;
        timestamp = ts;
        if (packet.marker()) {
            try {
                emit(out);
            } catch (RtpFormatException e) {
                dropPending();
                throw e;
            }
        }
    }

    /** Hands out the units of {@code buffer[0, filled)} if it parses whole (checked before any is handed out). */
    private void emit(Consumer<MediaFrame> out) throws RtpFormatException {
        if (filled == 0) {
            throw new RtpFormatException("empty MP4A-LATM payload");
        }
        int count = 0;
        for (int pos = 0; pos < filled; count++) {
            int size = 0;
            int b;
            do {
                if (pos == filled) {
                    throw new RtpFormatException("PayloadLengthInfo runs past the " + filled + "-byte element");
                }
                b = buffer[pos++] & 0xff;
                size += b;
            } while (b == 0xff);
            if (size == 0 || size > filled - pos) {
                throw new RtpFormatException(
                        "PayloadMux of " + size + " bytes with " + (filled - pos) + " bytes left in the element");
            }
            pos += size;
        }
        if (count % subFrames != 0) {
            throw new RtpFormatException(count + " PayloadMux elements, not a multiple of " + subFrames + " subframes");
        }
        int pos = 0;
        for (int i = 0; i < count; i++) {
            int size = 0;
            int b;
            do {
                b = buffer[pos++] & 0xff;
                size += b;
            } while (b == 0xff);
            byte[] unit = Arrays.copyOfRange(buffer, pos, pos + size);
            pos += size;
            out.accept(new MediaFrame((timestamp + (long) i * unitDuration) & 0xffff_ffffL, true, unit));
        }
        filled = 0;
    }

    @Override
    public void lost(int packets) {
        if (filled > 0) {
            skipping = true;
            skipTimestamp = timestamp;
            dropPending();
        }
    }

    @Override
    public void flush(Consumer<MediaFrame> out) {
        skipping = false;
        if (filled > 0) {
            try {
                emit(out);
            } catch (RtpFormatException e) {
                dropPending();
            }
        }
    }

    @Override
    public long droppedUnits() {
        return dropped;
    }

    private void dropPending() {
        filled = 0;
        dropped++;
    }
}
