package io.kvr.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.SampleRecords;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.StreamInfo;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AvroCodecTest {
    private final AvroCodec<SegmentRecord> segments = new AvroCodec<>(SegmentRecord.class);
    private final AvroCodec<AccessUnit> units = new AvroCodec<>(AccessUnit.class);
    private final AvroCodec<StreamInfo> infos = new AvroCodec<>(StreamInfo.class);

    @Test
    void roundTripsEveryRecordType() {
        SegmentRecord segment = SampleRecords.segment("live/door", 1_700_000_000_000L, 42);
        AccessUnit unit = SampleRecords.accessUnit();
        StreamInfo info = SampleRecords.streamInfo();

        assertThat(segments.decode(segments.encode(segment))).isEqualTo(segment);
        assertThat(units.decode(units.encode(unit))).isEqualTo(unit);
        assertThat(infos.decode(infos.encode(info))).isEqualTo(info);
    }

    @Test
    void encodingIsSingleObjectWithMarkerAndFingerprint() {
        byte[] bytes = units.encode(SampleRecords.accessUnit());

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(bytes).hasSizeGreaterThan(10);
    }

    @Test
    void exportRequestsWrittenBeforeTheFormatFieldReadAsProgressive() throws Exception {
        org.apache.avro.Schema v1;
        try (java.io.InputStream in = getClass().getResourceAsStream("/schemas/ExportRequest-v1.avsc")) {
            v1 = new org.apache.avro.Schema.Parser().parse(in);
        }
        org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericData.Record(v1);
        old.put("id", "0123456789abcdef0123456789abcdef");
        old.put("streamId", "live/door");
        old.put("startTimeMs", 1_000L);
        old.put("endTimeMs", 2_000L);
        old.put("fileName", "door.mp4");
        old.put("precise", false);
        old.put("requestedAtMs", 3_000L);
        byte[] written = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                        org.apache.avro.generic.GenericData.get(), v1)
                .encode(old)
                .array();

        io.kvr.schemas.ExportRequest read = new AvroCodec<>(io.kvr.schemas.ExportRequest.class).decode(written);

        assertThat(read.getFormat()).isEqualTo("mp4");
        assertThat(read.getPrecise()).isFalse();
        assertThat(read.getStreamId()).isEqualTo("live/door");
    }

    @Test
    void equalValuesEncodeToEqualBytes() {
        assertThat(segments.encode(SampleRecords.segment("a/b", 5, 1)))
                .isEqualTo(segments.encode(SampleRecords.segment("a/b", 5, 1)));
    }

    @Test
    void matchesOnlyItsOwnTypesHeader() {
        byte[] unit = units.encode(SampleRecords.accessUnit());
        byte[] info = infos.encode(SampleRecords.streamInfo());

        assertThat(units.matches(unit)).isTrue();
        assertThat(infos.matches(info)).isTrue();
        assertThat(units.matches(info)).isFalse();
        assertThat(infos.matches(unit)).isFalse();
        assertThat(segments.matches(unit)).isFalse();
        assertThat(units.matches(Arrays.copyOf(unit, 10))).isTrue();
        assertThat(units.matches(Arrays.copyOf(unit, 9))).isFalse();
        assertThat(units.matches(new byte[0])).isFalse();
        assertThat(units.matches(null)).isFalse();
    }

    @Test
    void undecodableBytesAreAnIllegalArgument() {
        byte[] unit = units.encode(SampleRecords.accessUnit());

        assertThatThrownBy(() -> units.decode(new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> units.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> units.decode("not avro at all".getBytes()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> units.decode(Arrays.copyOf(unit, unit.length - 3)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> segments.decode(unit)).isInstanceOf(IllegalArgumentException.class);
    }
}
