package io.kvr.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class MediaRecordsTest {
    private final MediaRecords records = new MediaRecords();
    private final AccessUnit unit = Fixtures.accessUnit();
    private final StreamInfo info = Fixtures.streamInfo();

    private static RecordHeaders typed(byte[] type) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(MediaRecords.TYPE_HEADER, type);
        return headers;
    }

    @Test
    void decodesByTypeHeader() {
        assertThat(records.decode(typed(MediaRecords.ACCESS_UNIT), records.encode(unit))).isEqualTo(unit);
        assertThat(records.decode(typed(MediaRecords.STREAM_INFO), records.encode(info))).isEqualTo(info);
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
}
