package io.kvr.bridge.rtsp;

/**
 * One compressed packet as the source handed it out.
 *
 * @param track index into {@link PacketSource#tracks()}
 * @param pts presentation time in the track's timebase, {@link #NO_TIMESTAMP} when the source gave none
 * @param dts decode time, {@link #NO_TIMESTAMP} when the source gave none
 * @param arrivalMs wall clock when the bridge received it
 */
public record Packet(int track, boolean keyframe, long pts, long dts, byte[] payload, long arrivalMs) {
    /** FFmpeg's {@code AV_NOPTS_VALUE}. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;
}
