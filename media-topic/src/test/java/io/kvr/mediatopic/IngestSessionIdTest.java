package io.kvr.mediatopic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class IngestSessionIdTest {

    @ParameterizedTest
    @ValueSource(longs = {0L, 1L, 1_700_000_000_123L, 4_102_444_800_000L, 0xFFFF_FFFF_FFFFL})
    void startTimeRoundTrips(long startMs) {
        String id = IngestSessionId.create(startMs);

        assertThat(IngestSessionId.startMs(id)).isEqualTo(startMs);
        UUID uuid = UUID.fromString(id);
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
    }

    @org.junit.jupiter.api.Test
    void idsOfTheSameMillisecondDifferAndSortByTime() {
        String a = IngestSessionId.create(1_700_000_000_000L);
        String b = IngestSessionId.create(1_700_000_000_000L);
        String later = IngestSessionId.create(1_700_000_000_001L);

        assertThat(a).isNotEqualTo(b).hasSize(36);
        assertThat(later).isGreaterThan(a).isGreaterThan(b);
    }

    @ParameterizedTest
    @EmptySource
    @ValueSource(
            strings = {
                "123e4567-e89b-42d3-a456-426614174000",
                "00000000-0000-0000-0000-000000000000",
                "not-a-uuid",
                "s1",
                "0190e5c8-3f2a-1abc-8def-0123456789ab"
            })
    void anythingButAUuidV7HasNoStart(String id) {
        assertThat(IngestSessionId.startMs(id)).isEqualTo(-1);
    }
}
