package io.kvr.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpServiceParsingTest {

    @ParameterizedTest
    @NullAndEmptySource
    void noQueryIsAnEmptyMap(String raw) {
        assertThat(HttpService.parseQuery(raw)).isEmpty();
    }

    @Test
    void queryParametersAreDecodedInOrderAndTheFirstOfARepeatedKeyWins() {
        Map<String, String> q =
                HttpService.parseQuery("last=6&start=1700000000000&&flag&name=a%20b+c&last=9&k%3D=v%26");

        assertThat(q)
                .containsExactly(
                        Map.entry("last", "6"),
                        Map.entry("start", "1700000000000"),
                        Map.entry("flag", ""),
                        Map.entry("name", "a b c"),
                        Map.entry("k=", "v&"));
    }

    @Test
    void valueMayContainEqualsSigns() {
        assertThat(HttpService.parseQuery("token=abc==")).containsEntry("token", "abc==");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=%zz", "%4=1", "a=%"})
    void malformedPercentEncodingInQueryIsBadRequest(String raw) {
        assertThatThrownBy(() -> HttpService.parseQuery(raw))
                .isInstanceOfSatisfying(
                        HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/live/door/index.m3u8, /live/door/index.m3u8",
        "/a%20b, /a b",
        "/a+b, /a+b",
        "/caf%C3%A9, /café",
        "/a%2Fb, /a/b",
    })
    void pathsDecodePercentEscapesButKeepPlus(String raw, String decoded) {
        assertThat(HttpService.decodePath(raw)).isEqualTo(decoded);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void missingPathIsRoot(String raw) {
        assertThat(HttpService.decodePath(raw)).isEqualTo("/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%zz", "/a%", "/%2"})
    void malformedPercentEncodingInPathIsBadRequest(String raw) {
        assertThatThrownBy(() -> HttpService.decodePath(raw))
                .isInstanceOfSatisfying(
                        HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void sanitizeReplacesControlCharactersAndCapsLength() {
        assertThat(HttpService.sanitize("a\nb\u0000c\u001b")).isEqualTo("a?b?c?");
        assertThat(HttpService.sanitize("x".repeat(1000))).hasSize(200);
    }
}
