package io.kvr.mediatopic;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Ingest session ids are UUIDv7 (RFC 9562 section 5.7): the first 48 bits are the session's start in epoch ms.
 * A reader that meets a session mid-way finds its StreamInfo with {@code offsetsForTimes(start)} on the
 * same partition, because the StreamInfo record is written with that timestamp.
 */
public final class IngestSessionId {
    private static final SecureRandom RANDOM = new SecureRandom();

    private IngestSessionId() {}

    public static String create(long startMs) {
        long msb = (startMs & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
        long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    /** The start time encoded in a UUIDv7 session id, or -1 when {@code id} is not one. */
    public static long startMs(String id) {
        try {
            UUID u = UUID.fromString(id);
            return u.version() == 7 ? u.getMostSignificantBits() >>> 16 : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
