package io.kvr.index;

import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.schemas.SegmentRecord;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Wire form of indexed segments between processes (indexer, edge, exporter): count, then per segment ordinal,
 * discontinuities, length-prefixed Avro value (single-object encoding, as on the segments topic).
 */
public final class SegmentListCodec {
    static final String CONTENT_TYPE = "application/vnd.kvr.segment-records";

    private final AvroCodec<SegmentRecord> codec = KvrTopics.segmentRecords();

    /**
     * Writes the wire form. Segments already Avro-encoded (the indexer's stored values) go in without being
     * decoded: the caller adds each one's ordinal, discontinuities and value bytes, then takes the result.
     */
    public static final class Writer {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream(64 * 1024);
        private final DataOutputStream out = new DataOutputStream(buf);
        private int count;

        public Writer() {
            try {
                out.writeInt(0); // the count, set in toByteArray
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public void add(long ordinal, long discontinuities, byte[] value, int offset, int length) {
            try {
                out.writeLong(ordinal);
                out.writeLong(discontinuities);
                out.writeInt(length);
                out.write(value, offset, length);
                count++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public byte[] toByteArray() {
            byte[] bytes = buf.toByteArray();
            ByteBuffer.wrap(bytes).putInt(0, count);
            return bytes;
        }
    }

    byte[] encode(List<IndexedSegment> records) {
        Writer out = new Writer();
        for (IndexedSegment r : records) {
            byte[] b = codec.encode(r.segment());
            out.add(r.ordinal(), r.discontinuities(), b, 0, b.length);
        }
        return out.toByteArray();
    }

    List<IndexedSegment> decode(InputStream stream) throws IOException {
        // buffered: the many small reads would otherwise each reach the HTTP client's stream
        DataInputStream in = new DataInputStream(new BufferedInputStream(stream, 64 * 1024));
        int n = in.readInt();
        List<IndexedSegment> out = new ArrayList<>(Math.min(n, 100_000));
        for (int i = 0; i < n; i++) {
            long ordinal = in.readLong();
            long discontinuities = in.readLong();
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            out.add(new IndexedSegment(ordinal, discontinuities, codec.decode(b)));
        }
        return out;
    }
}
