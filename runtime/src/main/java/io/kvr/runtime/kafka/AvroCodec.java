package io.kvr.runtime.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (a 10-byte header with the schema fingerprint, then the binary record) of one
 * generated record type. The header lets any reader check which schema wrote a value without a registry.
 */
public final class AvroCodec<T extends SpecificRecord> {
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final byte[] fingerprintHeader;
    private final String typeName;

    public AvroCodec(Class<T> type) {
        this.typeName = type.getSimpleName();
        SpecificData model = SpecificData.getForClass(type);
        org.apache.avro.Schema schema = SpecificData.get().getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        // values written before trailing defaulted fields were added still decode (schemas/README.md)
        for (org.apache.avro.Schema earlier : MediaRecords.earlierVersions(schema)) {
            decoder.addSchema(earlier);
        }
        ByteBuffer header = ByteBuffer.allocate(10).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 0xC3).put((byte) 0x01).putLong(org.apache.avro.SchemaNormalization.parsingFingerprint64(schema));
        this.fingerprintHeader = header.array();
    }

    public byte[] encode(T value) {
        try {
            return AvroBytes.of(encoder.encode(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public T decode(byte[] bytes) {
        try {
            return decoder.decode(bytes);
        } catch (IOException | org.apache.avro.AvroRuntimeException e) {
            // bad header, unknown fingerprint, truncated or corrupt body: all bad input
            throw new IllegalArgumentException("not a valid " + typeName + " value: " + e.getMessage(), e);
        }
    }

    /** True when {@code bytes} start with this type's single-object header. */
    public boolean matches(byte[] bytes) {
        return matches(bytes, 0);
    }

    /** True when {@code bytes} hold this type's single-object header at {@code offset}. */
    public boolean matches(byte[] bytes, int offset) {
        if (bytes == null || bytes.length - offset < fingerprintHeader.length) {
            return false;
        }
        for (int i = 0; i < fingerprintHeader.length; i++) {
            if (bytes[offset + i] != fingerprintHeader[i]) {
                return false;
            }
        }
        return true;
    }
}
