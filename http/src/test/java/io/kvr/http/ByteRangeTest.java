package io.kvr.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code Range: bytes=…} (RFC 9110 §14.1.2, §14.2) against a representation of known size. */
class ByteRangeTest {
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
        "bytes=2-99999999999999, 2, 9",
        "' bytes=1-2 ', 1, 2",
        "'bytes= 1-2', 1, 2",
    })
    void satisfiableRanges(String header, long first, long last) {
        ByteRange expected = new ByteRange(first, last);
        assertThat(ByteRange.satisfiable(header, SIZE)).contains(expected);
        assertThat(ByteRange.requested(header, SIZE)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=10-", "bytes=10-20", "bytes=100-200", "bytes=9-5", "bytes=-0"})
    void unsatisfiableRangesAreEmptyOrA416(String header) {
        assertThat(ByteRange.satisfiable(header, SIZE)).isEmpty();
        assertThatThrownBy(() -> ByteRange.requested(header, SIZE)).isInstanceOfSatisfying(HttpError.class, e -> {
            assertThat(e.status()).isEqualTo(416);
            assertThat(e.getMessage()).contains("10 bytes");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-", "bytes=-5", "bytes=0-0"})
    void nothingIsSatisfiableInAnEmptyRepresentation(String header) {
        assertThat(ByteRange.satisfiable(header, 0)).isEmpty();
        assertThatThrownBy(() -> ByteRange.requested(header, 0))
                .isInstanceOfSatisfying(
                        HttpError.class, e -> assertThat(e.status()).isEqualTo(416));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "bytes=0-1,3-4",
                "bytes=0-1, 3-4",
                "bytes=",
                "bytes=-",
                "items=0-1",
                "bytes=a-b",
                "bytes 0-1",
                "garbage",
                "bytes=1.5-2",
                "bytes=99999999999999999999-",
                "bytes=-99999999999999999999",
                "bytes=+1-2",
                "bytes=1 - 2",
                "bytes=--5",
                "bytes=1-2-3",
                "bytes=0x1-2",
                "bytes=١-٢"
            })
    void severalOrMalformedRangesAreBadRequests(String header) {
        assertThatThrownBy(() -> ByteRange.satisfiable(header, SIZE))
                .isInstanceOfSatisfying(
                        HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> ByteRange.requested(header, SIZE))
                .isInstanceOfSatisfying(
                        HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void anEmptyHeaderOfARequestedRangeIsPresentButMalformed() {
        assertThatThrownBy(() -> ByteRange.satisfiable("", SIZE))
                .isInstanceOfSatisfying(
                        HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void noHeaderRequestsTheWholeRepresentation(String header) {
        assertThat(ByteRange.requested(header, SIZE)).isEmpty();
    }

    @Test
    void contentRangesOfPartialAndUnsatisfiedAnswers() {
        assertThat(new ByteRange(100, 1099).contentRange(5000)).isEqualTo("bytes 100-1099/5000");
        assertThat(new ByteRange(100, 1099).length()).isEqualTo(1000);
        assertThat(ByteRange.unsatisfiedContentRange(5000)).isEqualTo("bytes */5000");
    }

    /**
     * Against the definition (§14.1.2): an int-range selects the existing positions from first to last, a
     * suffix-range the last n existing positions; a range selecting none is unsatisfiable.
     */
    @Test
    void everyRangeSelectsExactlyThePositionsTheSpecificationNames() {
        Random random = new Random(9110);
        for (int i = 0; i < 20_000; i++) {
            long size = random.nextInt(40);
            long a = random.nextInt(50);
            long b = random.nextInt(50);
            String header;
            long[] selected;
            switch (random.nextInt(3)) {
                case 0 -> {
                    header = "bytes=" + a + "-" + b;
                    selected =
                            LongStream.rangeClosed(a, b).filter(p -> p < size).toArray();
                }
                case 1 -> {
                    header = "bytes=" + a + "-";
                    selected = LongStream.range(a, size).toArray();
                }
                default -> {
                    header = "bytes=-" + b;
                    selected = LongStream.range(Math.max(0, size - b), size).toArray();
                }
            }
            Optional<ByteRange> expected = selected.length == 0
                    ? Optional.empty()
                    : Optional.of(new ByteRange(selected[0], selected[selected.length - 1]));
            assertThat(ByteRange.satisfiable(header, size))
                    .as("%s of %d bytes", header, size)
                    .isEqualTo(expected);
        }
    }
}
