package io.kvr.mediatopic;

import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import java.nio.charset.StandardCharsets;
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

    // immutable once built, and building one derives its schema: one of each for the process
    private static final AvroCodec<AccessUnit> ACCESS_UNITS = new AvroCodec<>(AccessUnit.class);
    private static final AvroCodec<StreamInfo> STREAM_INFOS = new AvroCodec<>(StreamInfo.class);

    public byte[] encode(AccessUnit unit) {
        return ACCESS_UNITS.encode(unit);
    }

    public byte[] encode(StreamInfo info) {
        return STREAM_INFOS.encode(info);
    }

    /** Decodes a media topic value into an {@link AccessUnit} or a {@link StreamInfo}. */
    public Object decode(Headers headers, byte[] value) {
        Header type = headers == null ? null : headers.lastHeader(TYPE_HEADER);
        if (type != null) {
            return java.util.Arrays.equals(type.value(), STREAM_INFO)
                    ? decodeStreamInfo(value)
                    : decodeAccessUnit(value);
        }
        if (STREAM_INFOS.matches(value)) {
            return decodeStreamInfo(value);
        }
        return decodeAccessUnit(value);
    }

    public AccessUnit decodeAccessUnit(byte[] value) {
        return decode(ACCESS_UNITS, value, "AccessUnit");
    }

    public StreamInfo decodeStreamInfo(byte[] value) {
        return decode(STREAM_INFOS, value, "StreamInfo");
    }

    private static <T extends SpecificRecord> T decode(AvroCodec<T> codec, byte[] value, String type) {
        if (value == null) {
            throw new IllegalArgumentException("not a valid " + type + " value: no value (tombstone)");
        }
        return codec.decode(value);
    }
}
