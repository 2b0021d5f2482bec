package io.kvr.runtime.kafka;

import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Values of the media topic: {@link AccessUnit}s and, before the first unit of each ingest session, one
 * {@link StreamInfo} on the same partition, so a reader always meets a session's configuration first.
 * The {@value #TYPE_HEADER} header names the value type for readers that do not check the Avro fingerprint.
 */
public final class MediaRecords {
    public static final String TYPE_HEADER = "kvr.type";
    public static final byte[] ACCESS_UNIT = "AccessUnit".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] STREAM_INFO = "StreamInfo".getBytes(StandardCharsets.US_ASCII);

    private final AvroCodec<AccessUnit> accessUnits = new AvroCodec<>(AccessUnit.class);
    private final AvroCodec<StreamInfo> streamInfos = new AvroCodec<>(StreamInfo.class);

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
            return java.util.Arrays.equals(type.value(), STREAM_INFO) ? streamInfos.decode(value) : accessUnits.decode(value);
        }
        if (streamInfos.matches(value)) {
            return streamInfos.decode(value);
        }
        return accessUnits.decode(value);
    }
}
