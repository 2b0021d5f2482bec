package io.kvr.media.rtp.video;

import io.kvr.media.rtp.Depacketizer;
import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.Packetizer;
import io.kvr.media.rtp.RtpFormatException;
import io.kvr.media.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;

/** Both ends of an RTP stream in memory: units packetized as a sender does, packets depacketized as a receiver. */
final class RtpLoopback {

    private RtpLoopback() {}

    /** The packets a sender writes: consecutive sequence numbers from 0, each unit's timestamp, one SSRC. */
    static List<RtpPacket> send(Packetizer packetizer, List<MediaFrame> units, int maxPayload) {
        List<RtpPacket> packets = new ArrayList<>();
        for (MediaFrame unit : units) {
            packetizer.packetize(unit, maxPayload, (marker, header, data, offset, length) -> {
                byte[] payload = new byte[header.length + length];
                System.arraycopy(header, 0, payload, 0, header.length);
                System.arraycopy(data, offset, payload, header.length, length);
                if (payload.length > maxPayload) {
                    throw new AssertionError("payload of " + payload.length + " bytes, limit " + maxPayload);
                }
                packets.add(new RtpPacket(
                        96,
                        marker,
                        packets.size() & 0xffff,
                        unit.timestamp(),
                        0x4b565231L,
                        payload,
                        0,
                        payload.length));
            });
        }
        return packets;
    }

    /** All units the packets give, flushed at the end; a bad packet fails the caller. */
    static List<MediaFrame> receive(Depacketizer depacketizer, List<RtpPacket> packets) throws RtpFormatException {
        List<MediaFrame> frames = new ArrayList<>();
        for (RtpPacket packet : packets) {
            depacketizer.accept(packet, frames::add);
        }
        depacketizer.flush(frames::add);
        return frames;
    }

    static RtpPacket packet(boolean marker, int sequenceNumber, long timestamp, byte[] payload) {
        return new RtpPacket(96, marker, sequenceNumber, timestamp, 1, payload, 0, payload.length);
    }
}
