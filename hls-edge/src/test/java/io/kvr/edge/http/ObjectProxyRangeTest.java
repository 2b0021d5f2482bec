package io.kvr.edge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.runtime.http.HttpError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectProxyRangeTest {
    private static final long SIZE = 10;

    @ParameterizedTest(name = "{0} of 10 bytes -> {1}-{2}")
    @CsvSource({
        "bytes=0-9, 0, 9",
        "bytes=0-0, 0, 0",
        "bytes=3-5, 3, 5",
        "bytes=9-9, 9, 9",
        "bytes=5-, 5, 9",
        "bytes=0-, 0, 9",
        "bytes=-4, 6, 9",
        "bytes=-10, 0, 9",
        "bytes=-20, 0, 9",
        "bytes=2-100, 2, 9",
        "' bytes=1-2 ', 1, 2",
    })
    void satisfiableRanges(String header, long start, long end) {
        assertThat(ObjectProxy.parseRange(header, SIZE)).containsExactly(start, end);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=10-", "bytes=10-20", "bytes=100-200", "bytes=9-5", "bytes=-0"})
    void unsatisfiableRangesAreNullFor416(String header) {
        assertThat(ObjectProxy.parseRange(header, SIZE)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-", "bytes=-5", "bytes=0-0"})
    void nothingIsSatisfiableInAnEmptyObject(String header) {
        assertThat(ObjectProxy.parseRange(header, 0)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-1,3-4", "bytes=0-1, 3-4", "bytes=", "bytes=-", "items=0-1", "bytes=a-b",
        "bytes 0-1", "garbage", "", "bytes=1.5-2", "bytes=99999999999999999999-", "bytes=-99999999999999999999"})
    void unsupportedOrMalformedRangesAreBadRequests(String header) {
        assertThatThrownBy(() -> ObjectProxy.parseRange(header, SIZE)).isInstanceOfSatisfying(HttpError.class,
                e -> assertThat(e.status()).isEqualTo(400));
    }
}
