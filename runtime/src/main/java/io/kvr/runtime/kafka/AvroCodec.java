package io.kvr.runtime.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (a 10-byte header with the schema fingerprint, then the binary record) of one
 * generated record type. The header lets any reader check which schema wrote a value without a registry.
 */
public final class AvroCodec<T extends SpecificRecord> implements Codec<T> {
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
        for (org.apache.avro.Schema earlier : earlierVersions(schema)) {
            decoder.addSchema(earlier);
        }
        ByteBuffer header = ByteBuffer.allocate(10).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 0xC3)
                .put((byte) 0x01)
                .putLong(org.apache.avro.SchemaNormalization.parsingFingerprint64(schema));
        this.fingerprintHeader = header.array();
    }

    @Override
    public byte[] encode(T value) {
        try {
            return AvroBytes.of(encoder.encode(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
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

    /**
     * Writer schemas of earlier versions of {@code current}: schemas only grow by fields with defaults appended at
     * the end (schemas/README.md), so each earlier one is {@code current} without its last 1, 2, … fields, for as
     * long as those fields all have defaults.
     */
    public static List<Schema> earlierVersions(Schema current) {
        List<Schema.Field> fields = current.getFields();
        List<Schema> out = new ArrayList<>();
        for (int keep = fields.size() - 1; keep >= 1 && fields.get(keep).hasDefaultValue(); keep--) {
            List<Schema.Field> copy = new ArrayList<>(keep);
            for (Schema.Field f : fields.subList(0, keep)) {
                copy.add(new Schema.Field(f, f.schema()));
            }
            out.add(Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, copy));
        }
        return out;
    }
}
