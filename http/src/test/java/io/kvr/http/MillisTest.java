package io.kvr.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Times and durations from requests: digits only, up to year 9999, so arithmetic on them cannot overflow. */
class MillisTest {

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(
            strings = {
                "9223372036854775807",
                "-9223372036854775808",
                "9223372036854775808",
                "-1",
                "1e3",
                "",
                "0x10",
                "+5",
                " 5",
                "5 ",
                "1.5",
                "١٢٣",
                "253402300800000",
                "99999999999999999999",
                "1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
                "\u00005",
                "5\n",
                "NaN",
                "Infinity"
            })
    void hostileValuesAre400(String value) {
        assertThatThrownBy(() -> Millis.parse("start_time", value)).isInstanceOfSatisfying(HttpError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).startsWith("start_time ");
        });
    }

    @Test
    void aVeryLongDigitStringIs400() {
        assertThatThrownBy(() -> Millis.parse("end_time", "9".repeat(100_000)))
                .isInstanceOfSatisfying(
                        HttpError.class, e -> assertThat(e.getMessage()).contains("too large"));
        assertThatThrownBy(() -> Millis.parse("end_time", null))
                .isInstanceOfSatisfying(
                        HttpError.class, e -> assertThat(e.getMessage()).isEqualTo("end_time is missing"));
    }

    @Test
    void everyTimeUpToYear9999Parses() {
        assertThat(Millis.parse("t", "0")).isZero();
        assertThat(Millis.parse("t", "1700000000000")).isEqualTo(1_700_000_000_000L);
        assertThat(Millis.parse("t", "0001700000000000")).isEqualTo(1_700_000_000_000L);
        assertThat(Millis.parse("t", "000000000000000000000000000000000000000000000000000000000000000007"))
                .isEqualTo(7);
        assertThat(Millis.parse("t", Long.toString(Millis.LATEST))).isEqualTo(Millis.LATEST);
        assertThat(Instant.ofEpochMilli(Millis.LATEST).toString()).isEqualTo("9999-12-31T23:59:59.999Z");
    }

    @Test
    void anEndPastYear9999Is400() {
        assertThat(Millis.end(Millis.LATEST - 1, 1, "start_time + duration")).isEqualTo(Millis.LATEST);
        assertThatThrownBy(() -> Millis.end(Millis.LATEST, 1, "start_time + duration"))
                .isInstanceOfSatisfying(
                        HttpError.class,
                        e -> assertThat(e.getMessage()).startsWith("start_time + duration ends after year 9999"));
        assertThatThrownBy(() -> Millis.end(Millis.LATEST, Millis.LATEST, "x")).isInstanceOf(HttpError.class);
    }
}
