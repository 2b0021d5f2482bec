package io.kvr.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaRecordLimitTest {
    @Test
    void theSmallerLimitLessFramingAndCompressionHeadroom() {
        assertThat(MediaRecordLimit.recordBytes(1_048_576, 16 * 1024 * 1024)).isEqualTo(1_048_576 - 4096 - 16_384);
        assertThat(MediaRecordLimit.recordBytes(16 * 1024 * 1024, 1_048_576)).isEqualTo(1_048_576 - 4096 - 16_384);
        assertThat(MediaRecordLimit.recordBytes(100, 100))
                .as("never below 1 KiB")
                .isEqualTo(1024);
    }

    @Test
    void producerLimitIsMaxRequestSizeOrBufferMemoryWhicheverIsSmaller() {
        assertThat(MediaRecordLimit.producerLimit(Map.of("max.request.size", 17_000_000)))
                .isEqualTo(17_000_000);
        assertThat(MediaRecordLimit.producerLimit(Map.of("max.request.size", "2000000", "buffer.memory", "1000000")))
                .isEqualTo(1_000_000);
        assertThat(MediaRecordLimit.producerLimit(Map.of()))
                .as("producer defaults")
                .isEqualTo(1_048_576);
        assertThat(MediaRecordLimit.producerLimit(Map.of("max.request.size", "lots")))
                .isEqualTo(1_048_576);
    }
}
