package io.kvr.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.runtime.stream.StreamName;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {
    private static final StreamName DOOR = new StreamName("live", "door");
    private static final String SESSION = "0190e5c8-3f2a-7abc-8def-0123456789ab";

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2024-03-05T23:59:59.999Z, live/door/2024/03/05/23/",
        "2024-03-06T00:00:00.000Z, live/door/2024/03/06/00/",
        "2024-12-31T23:00:00.000Z, live/door/2024/12/31/23/",
        "1970-01-01T00:00:00.000Z, live/door/1970/01/01/00/",
    })
    void segmentKeysUseTheUtcHourOfTheStart(String start, String dir) {
        ObjectKeys keys = new ObjectKeys("");

        String key = keys.segment(DOOR, Instant.parse(start).toEpochMilli(), SESSION, 42);

        assertThat(key).isEqualTo(dir + SESSION + "-0000000042.m4s");
    }

    @Test
    void prefixComesFirst() {
        ObjectKeys keys = new ObjectKeys("recordings/");
        long start = Instant.parse("2024-03-05T10:15:00Z").toEpochMilli();

        assertThat(keys.streamDir(DOOR)).isEqualTo("recordings/live/door/");
        assertThat(keys.segment(DOOR, start, SESSION, 0))
                .isEqualTo("recordings/live/door/2024/03/05/10/" + SESSION + "-0000000000.m4s");
        assertThat(keys.init(DOOR, SESSION, "a1b2c3d4e5f60718"))
                .isEqualTo("recordings/live/door/init/" + SESSION + "-a1b2c3d4e5f60718.mp4");
    }

    @Test
    void sequencesKeepSortingBeyondTenDigits() {
        ObjectKeys keys = new ObjectKeys("");

        assertThat(keys.segment(DOOR, 0, "s", 12_345_678_901L)).endsWith("/s-12345678901.m4s");
    }

    @Test
    void keysItWritesAreStreamRelativeNamesTheEdgeAccepts() {
        ObjectKeys keys = new ObjectKeys("p/");
        String dir = keys.streamDir(DOOR);

        String segment = keys.segment(DOOR, 1_700_000_000_000L, SESSION, 9_999_999_999L);
        String init = keys.init(DOOR, SESSION, "0011223344556677");

        assertThat(ObjectKeys.isStreamRelative(segment.substring(dir.length()))).isTrue();
        assertThat(ObjectKeys.isStreamRelative(init.substring(dir.length()))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2024/03/05/23/" + SESSION + "-0000000042.m4s",
                "init/" + SESSION + "-abc.mp4",
                "2024/03/05/23/a.m4s",
                "init/x_y-z.mp4"
            })
    void acceptsWellFormedNames(String relative) {
        assertThat(ObjectKeys.isStreamRelative(relative)).isTrue();
    }

    @Test
    void namesAreAtMostEightyCharacters() {
        assertThat(ObjectKeys.isStreamRelative("init/" + "a".repeat(80) + ".mp4"))
                .isTrue();
        assertThat(ObjectKeys.isStreamRelative("init/" + "a".repeat(81) + ".mp4"))
                .isFalse();
        assertThat(ObjectKeys.isStreamRelative("2024/03/05/23/" + "a".repeat(81) + ".m4s"))
                .isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "../2024/03/05/23/a.m4s",
                "2024/03/05/../a.m4s",
                "init/../a.mp4",
                "init/..mp4",
                "/2024/03/05/23/a.m4s",
                "/init/a.mp4",
                "2024/03/05/23/a.mp4",
                "init/a.m4s",
                "2024/03/05/23/a.m4s.tmp",
                "2024/03/05/23/a",
                "2024/03/05/23/extra/a.m4s",
                "init/extra/a.mp4",
                "other/2024/03/05/23/a.m4s",
                "2024/3/05/23/a.m4s",
                "2024/03/05/a.m4s",
                "2024/03/05/23/a.b.m4s",
                "2024/03/05/23/a b.m4s",
                "2024/03/05/23/a%2F.m4s",
                "2024/03/05/23/.m4s",
                "init/a.mp4\n",
            })
    void refusesAnythingElse(String relative) {
        assertThat(ObjectKeys.isStreamRelative(relative)).isFalse();
    }
}
