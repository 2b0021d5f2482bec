package io.kvr.runtime.kafka;

import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Values of the media topic: {@link AccessUnit}s and, before the first unit of each ingest session, one
 * {@link StreamInfo} on the same partition, so a reader always meets a session's configuration first.
 * The {@value #TYPE_HEADER} header names the value type for readers that do not check the Avro fingerprint.
 *
 * <p>Decoding also accepts values written by earlier versions of a schema: schemas only grow by fields with
 * defaults appended at the end (schemas/README.md), so each earlier writer schema is the current one without
 * some of its trailing defaulted fields, and its fingerprint is known without keeping old schema files. Values
 * written before {@code AccessUnit.chunkIndex/chunkCount} existed therefore still decode, as whole units.
 */
public final class MediaRecords {
    public static final String TYPE_HEADER = "kvr.type";
    public static final byte[] ACCESS_UNIT = "AccessUnit".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] STREAM_INFO = "StreamInfo".getBytes(StandardCharsets.US_ASCII);

    private final AvroCodec<AccessUnit> accessUnits = new AvroCodec<>(AccessUnit.class);
    private final AvroCodec<StreamInfo> streamInfos = new AvroCodec<>(StreamInfo.class);
    private final BinaryMessageDecoder<AccessUnit> accessUnitDecoder = decoder(AccessUnit.class, AccessUnit.getClassSchema());
    private final BinaryMessageDecoder<StreamInfo> streamInfoDecoder = decoder(StreamInfo.class, StreamInfo.getClassSchema());

    public byte[] encode(AccessUnit unit) {
        return accessUnits.encode(unit);
    }

    public byte[] encode(StreamInfo info) {
        return streamInfos.encode(info);
    }

    /** Decodes a media topic value into an {@link AccessUnit} or a {@link StreamInfo}. */
    public Object decode(Headers headers, byte[] value) {
        Header type = headers == null ? null : headers.lastHeader(TYPE_HEADER);
        if (type != null) {
            return java.util.Arrays.equals(type.value(), STREAM_INFO) ? decodeStreamInfo(value) : decodeAccessUnit(value);
        }
        if (streamInfos.matches(value)) {
            return decodeStreamInfo(value);
        }
        return decodeAccessUnit(value);
    }

    public AccessUnit decodeAccessUnit(byte[] value) {
        return decode(accessUnitDecoder, value, "AccessUnit");
    }

    public StreamInfo decodeStreamInfo(byte[] value) {
        return decode(streamInfoDecoder, value, "StreamInfo");
    }

    private static <T> T decode(BinaryMessageDecoder<T> decoder, byte[] value, String type) {
        if (value == null) {
            throw new IllegalArgumentException("not a valid " + type + " value: no value (tombstone)");
        }
        try {
            return decoder.decode(value);
        } catch (IOException | AvroRuntimeException e) {
            // bad header, unknown fingerprint, truncated or corrupt body: all bad input
            throw new IllegalArgumentException("not a valid " + type + " value: " + e.getMessage(), e);
        }
    }

    private static <T extends SpecificRecord> BinaryMessageDecoder<T> decoder(Class<T> type, Schema current) {
        BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(SpecificData.getForClass(type), current);
        for (Schema earlier : AvroCodec.earlierVersions(current)) {
            decoder.addSchema(earlier);
        }
        return decoder;
    }
}
