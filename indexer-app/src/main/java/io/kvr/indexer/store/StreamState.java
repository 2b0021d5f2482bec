package io.kvr.indexer.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Value of the streams store: what the index knows of one stream, updated with each new segment and by retention.
 * {@code segments} counts the segments indexed now; {@code nextOrdinal} numbers the next one (retention deletes
 * old segments, but ordinals, the HLS media sequence, never repeat).
 */
public record StreamState(
        long firstStartMs,
        long lastEndMs,
        long segments,
        long discontinuities,
        String lastInitKey,
        String lastIngestSessionId,
        String codecs,
        int width,
        int height,
        long nextOrdinal) {

    /** A stream nothing was deleted from: the next ordinal is the count. */
    public StreamState(
            long firstStartMs,
            long lastEndMs,
            long segments,
            long discontinuities,
            String lastInitKey,
            String lastIngestSessionId,
            String codecs,
            int width,
            int height) {
        this(
                firstStartMs,
                lastEndMs,
                segments,
                discontinuities,
                lastInitKey,
                lastIngestSessionId,
                codecs,
                width,
                height,
                segments);
    }

    public byte[] encode() {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(buf);
            out.writeByte(2);
            out.writeLong(firstStartMs);
            out.writeLong(lastEndMs);
            out.writeLong(segments);
            out.writeLong(discontinuities);
            out.writeUTF(lastInitKey);
            out.writeUTF(lastIngestSessionId);
            out.writeUTF(codecs);
            out.writeInt(width);
            out.writeInt(height);
            out.writeLong(nextOrdinal);
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static StreamState decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
            int version = in.readByte();
            if (version != 1 && version != 2) {
                throw new IllegalStateException("unknown stream state version " + version);
            }
            long first = in.readLong();
            long last = in.readLong();
            long segments = in.readLong();
            long discontinuities = in.readLong();
            String init = in.readUTF();
            String session = in.readUTF();
            String codecs = in.readUTF();
            int width = in.readInt();
            int height = in.readInt();
            // version 1 was written before retention: nothing deleted, so the count is the next ordinal
            long nextOrdinal = version == 1 ? segments : in.readLong();
            return new StreamState(
                    first, last, segments, discontinuities, init, session, codecs, width, height, nextOrdinal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
