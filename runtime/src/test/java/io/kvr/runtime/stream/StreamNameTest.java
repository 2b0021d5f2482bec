package io.kvr.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class StreamNameTest {
    private static final String SIXTY_FOUR = "a".repeat(64);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a",
                "door",
                "Cam_01",
                "front-door.main",
                "...",
                ".hidden",
                "a..b",
                "-",
                "_",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            })
    void validParts(String part) {
        assertThat(StreamName.isValidPart(part)).isTrue();
        assertThat(new StreamName(part, part).id()).isEqualTo(part + "/" + part);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                ".",
                "..",
                "a/b",
                "a\\b",
                "a b",
                " a",
                "a\n",
                "a\u0000b",
                "tab\tx",
                "caméra",
                "カメラ",
                "emoji\uD83D\uDCF7",
                "a:b",
                "a%2Fb",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            })
    void invalidParts(String part) {
        assertThat(StreamName.isValidPart(part)).isFalse();
        assertThatThrownBy(() -> new StreamName(part, "ok"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("application name");
        assertThatThrownBy(() -> new StreamName("ok", part))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stream name");
    }

    @Test
    void sixtyFourCharactersIsTheLimit() {
        assertThat(SIXTY_FOUR).hasSize(64);
        assertThat(StreamName.isValidPart(SIXTY_FOUR)).isTrue();
        assertThat(StreamName.isValidPart(SIXTY_FOUR + "a")).isFalse();
    }

    @Test
    void parsesAppSlashStream() {
        StreamName name = StreamName.parse("live/door");

        assertThat(name.app()).isEqualTo("live");
        assertThat(name.stream()).isEqualTo("door");
        assertThat(name.id()).isEqualTo("live/door");
        assertThat(name).hasToString("live/door");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"door", "/door", "live/", "/", "live/door/extra", "../door", "live/..", "./x", "a//b"})
    void refusesIdsThatAreNotExactlyAppSlashStream(String id) {
        assertThatThrownBy(() -> StreamName.parse(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorMessagesDoNotEchoControlCharacters() {
        assertThatThrownBy(() -> StreamName.parse("live/do\u001b[2Jor\r\nfake log line"))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b", "\r", "\n"));
    }
}
