package io.kvr.indexer.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Value of the streams store: what the index knows of one stream, updated with each new segment. */
public record StreamState(long firstStartMs, long lastEndMs, long segments, long discontinuities,
                          String lastInitKey, String lastIngestSessionId, String codecs, int width, int height) {

    public byte[] encode() {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(buf);
            out.writeByte(1);
            out.writeLong(firstStartMs);
            out.writeLong(lastEndMs);
            out.writeLong(segments);
            out.writeLong(discontinuities);
            out.writeUTF(lastInitKey);
            out.writeUTF(lastIngestSessionId);
            out.writeUTF(codecs);
            out.writeInt(width);
            out.writeInt(height);
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static StreamState decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
            int version = in.readByte();
            if (version != 1) {
                throw new IllegalStateException("unknown stream state version " + version);
            }
            return new StreamState(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readUTF(),
                    in.readUTF(), in.readUTF(), in.readInt(), in.readInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
