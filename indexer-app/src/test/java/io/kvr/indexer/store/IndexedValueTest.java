package io.kvr.indexer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.schemas.SegmentRecord;
import org.junit.jupiter.api.Test;

/** A stored value's time span, read from the record's leading fields, is the one the whole record holds. */
class IndexedValueTest {
    private final IndexedValue values = new IndexedValue();
    private final AvroCodec<SegmentRecord> codec = new AvroCodec<>(SegmentRecord.class);

    @Test
    void theTimeSpanAndCountersComeWithoutDecodingTheRecord() {
        for (String session : new String[] {"", "0199aabb-ccdd-7eef-8000-000000000001", "é".repeat(300)}) {
            for (long start : new long[] {0, 63, 64, 1_700_000_000_123L, Long.MAX_VALUE / 2}) {
                SegmentRecord r = SegmentRecord.newBuilder()
                        .setStreamId("site/cam-" + session.length())
                        .setIngestSessionId(session)
                        .setSequence(start * 3 + 1)
                        .setStartTimeMs(start)
                        .setEndTimeMs(start + 1999)
                        .setDurationMs(1999)
                        .setMediaStartTime(0)
                        .setMediaDuration(1)
                        .setTimescale(90_000)
                        .setByteSize(1)
                        .setBucket("kvr")
                        .setObjectKey("k")
                        .setInitKey("i")
                        .setCodecs("avc1.42c01e")
                        .setMoofOffset(0)
                        .setMoofSize(0)
                        .setMdatOffset(0)
                        .setMdatSize(0)
                        .build();
                byte[] value = values.encode(start + 5, 7, codec.encode(r));

                assertThat(values.timeSpan(value)).containsExactly(start, start + 1999);
                assertThat(IndexedValue.ordinal(value)).isEqualTo(start + 5);
                assertThat(IndexedValue.discontinuities(value)).isEqualTo(7);
                assertThat(values.decode(value).segment()).isEqualTo(r);
            }
        }
    }
}
