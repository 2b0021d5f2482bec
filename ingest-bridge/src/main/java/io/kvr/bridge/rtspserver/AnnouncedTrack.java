package io.kvr.bridge.rtspserver;

import io.kvr.bridge.rtsp.SourceTrack;
import io.kvr.media.rtp.Depacketizer;
import java.util.function.Supplier;

/**
 * One media section of an ANNOUNCE that kvr records: the track it becomes, how its packets are depacketized, and
 * the control value SETUP names it by.
 *
 * @param control the section's {@code a=control:} value (RFC 7826 C.1.1), empty when it has none
 * @param clockRate the RTP clock rate: the track's timebase is 1/clockRate
 * @param depacketizers a new depacketizer per recording session
 */
public record AnnouncedTrack(
        SourceTrack track, int payloadType, int clockRate, String control, Supplier<Depacketizer> depacketizers) {}
