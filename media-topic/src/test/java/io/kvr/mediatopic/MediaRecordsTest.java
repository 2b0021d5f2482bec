package io.kvr.mediatopic;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.SampleRecords;
import io.kvr.schemas.StreamInfo;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class MediaRecordsTest {
    private final MediaRecords records = new MediaRecords();
    private final AccessUnit unit = SampleRecords.accessUnit();
    private final StreamInfo info = SampleRecords.streamInfo();

    private static RecordHeaders typed(byte[] type) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(MediaRecords.TYPE_HEADER, type);
        return headers;
    }

    @Test
    void decodesByTypeHeader() {
        assertThat(records.decode(typed(MediaRecords.ACCESS_UNIT), records.encode(unit)))
                .isEqualTo(unit);
        assertThat(records.decode(typed(MediaRecords.STREAM_INFO), records.encode(info)))
                .isEqualTo(info);
    }

    @Test
    void decodesByFingerprintWithoutHeader() {
        assertThat(records.decode(new RecordHeaders(), records.encode(unit))).isEqualTo(unit);
        assertThat(records.decode(new RecordHeaders(), records.encode(info))).isEqualTo(info);
        assertThat(records.decode(null, records.encode(info))).isEqualTo(info);
        assertThat(records.decode(null, records.encode(unit))).isEqualTo(unit);
    }

    @Test
    void lastTypeHeaderWins() {
        RecordHeaders headers = typed(MediaRecords.ACCESS_UNIT);
        headers.add(MediaRecords.TYPE_HEADER, MediaRecords.STREAM_INFO);

        assertThat(records.decode(headers, records.encode(info))).isInstanceOf(StreamInfo.class);
    }

    @Test
    void unrelatedHeadersDoNotMatter() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", new byte[] {1});

        assertThat(records.decode(headers, records.encode(info))).isEqualTo(info);
    }

    @Test
    void decodesAccessUnitsWrittenBeforeChunkFieldsExistedAsWholeUnits() throws Exception {
        Schema v1;
        try (InputStream in = getClass().getResourceAsStream("/schemas/AccessUnit-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        GenericRecord old = new GenericData.Record(v1);
        old.put("streamId", "live/door");
        old.put("ingestSessionId", "s1");
        old.put("track", 0);
        old.put("codec", new GenericData.EnumSymbol(v1.getField("codec").schema(), "H264"));
        old.put("keyframe", true);
        old.put("pts", 7200L);
        old.put("dts", 3600L);
        old.put("timebaseNum", 1);
        old.put("timebaseDen", 90_000);
        old.put("captureTimeMs", 1_700_000_000_000L);
        old.put("arrivalTimeMs", 1_700_000_000_005L);
        old.put("sequence", 17L);
        old.put("payload", ByteBuffer.wrap(new byte[] {0, 0, 0, 1, 0x65, 1, 2, 3}));
        byte[] written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1)
                .encode(old)
                .array();

        Object read = records.decode(typed(MediaRecords.ACCESS_UNIT), written);

        assertThat(read).isEqualTo(unit);
        assertThat(((AccessUnit) read).getChunkCount()).isEqualTo(1);
        assertThat(AvroCodec.earlierVersions(AccessUnit.getClassSchema()))
                .extracting(SchemaNormalization::parsingFingerprint64)
                .contains(SchemaNormalization.parsingFingerprint64(v1));
    }

    @Test
    void aValueOfNoKnownSchemaIsBadInput() {
        byte[] value = records.encode(unit);
        value[5] ^= 0x55;

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> records.decode(typed(MediaRecords.ACCESS_UNIT), value))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> records.decode(null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
