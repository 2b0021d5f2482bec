package io.kvr.media.rtp.g711;

import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.Packetizer;
import io.kvr.media.rtp.PayloadSink;

/**
 * Cuts G.711 samples into PCMU or PCMA payloads (RFC 3551 4.5.14) of at most {@code samplesPerPacket} samples (20
 * ms, 160 samples, is the default packetisation interval of 4.2) and at most the payload limit. The marker is never
 * set: it flags a talkspurt after silence suppression (4.1), which a recorder's relay does not do.
 *
 * <p>A payload's RTP timestamp is the unit's plus the {@code offset} the sink is given, one tick per sample (4.5):
 * unlike video, a unit cut in several packets does not keep one timestamp.
 */
public final class G711Packetizer implements Packetizer {

    /** 20 ms at 8000 Hz (RFC 3551 4.2). */
    public static final int DEFAULT_SAMPLES_PER_PACKET = 160;

    private static final byte[] NO_HEADER = {};

    private final int samplesPerPacket;

    public G711Packetizer(int samplesPerPacket) {
        if (samplesPerPacket < 1) {
            throw new IllegalArgumentException("samples per packet " + samplesPerPacket);
        }
        this.samplesPerPacket = samplesPerPacket;
    }

    public G711Packetizer() {
        this(DEFAULT_SAMPLES_PER_PACKET);
    }

    @Override
    public void packetize(MediaFrame frame, int maxPayload, PayloadSink out) {
        if (maxPayload < 1) {
            throw new IllegalArgumentException("payload limit " + maxPayload);
        }
        byte[] samples = frame.data();
        int step = Math.min(maxPayload, samplesPerPacket);
        for (int offset = 0; offset < samples.length; offset += step) {
            out.payload(false, NO_HEADER, samples, offset, Math.min(step, samples.length - offset));
        }
    }
}
