package io.kvr.segmenter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ResumePointsTest {

    @Test
    void onlyStreamsAheadOfTheCommittedOffsetAreNotedAsDeltas() {
        Map<String, Long> resume = new LinkedHashMap<>();
        resume.put("live/door", 1005L);
        resume.put("live/yard", 1000L);
        resume.put("live/gate", 990L);
        resume.put("live/roof", 1001L);

        String metadata = ResumePoints.encode(1000, resume);

        assertThat(metadata).isEqualTo("v1;live/door=5;live/roof=1");
        assertThat(ResumePoints.decode(1000, metadata))
                .containsOnly(Map.entry("live/door", 1005L), Map.entry("live/roof", 1001L));
    }

    @Test
    void roundTripsLargeOffsets() {
        Map<String, Long> resume = Map.of("a/b", 9_000_000_000_123L, "c.d/e_f-g", 9_000_000_000_001L);

        assertThat(ResumePoints.decode(9_000_000_000_000L, ResumePoints.encode(9_000_000_000_000L, resume)))
                .isEqualTo(resume);
    }

    @Test
    void nothingAheadIsJustTheVersion() {
        assertThat(ResumePoints.encode(7, Map.of("a/b", 7L))).isEqualTo("v1");
        assertThat(ResumePoints.decode(7, "v1")).isEmpty();
    }

    @Test
    void metadataStaysUnderTheBrokersLimitAndKeepsWhatFits() {
        Map<String, Long> resume = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            resume.put("app/" + "s".repeat(40) + i, 100L + i + 1);
        }

        String metadata = ResumePoints.encode(100, resume);
        Map<String, Long> decoded = ResumePoints.decode(100, metadata);

        assertThat(metadata.length()).isLessThanOrEqualTo(ResumePoints.MAX_LENGTH);
        assertThat(decoded).isNotEmpty().hasSizeLessThan(200);
        decoded.forEach((stream, offset) -> assertThat(offset).isEqualTo(resume.get(stream)));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"v2;a/b=5", "garbage", "a/b=5", ";;;", "v1;;;", "v1;=5", "v1;a/b", "v1;a/b=", "v1;a/b=x"})
    void garbageDecodesToNothing(String metadata) {
        assertThat(ResumePoints.decode(100, metadata)).isEmpty();
    }

    @Test
    void damagedEntriesCostOnlyThemselves() {
        assertThat(ResumePoints.decode(100, "v1;a/b=x;c/d=3;=5;junk;e/f=99999999999999999999;g/h=4"))
                .containsExactly(Map.entry("c/d", 103L), Map.entry("g/h", 104L));
    }
}
