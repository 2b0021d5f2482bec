package io.kvr.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControlUrlTest {

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource({
        "rtsp://cam/live/, *, rtsp://cam/live/",
        "rtsp://cam/live, '', rtsp://cam/live",
        "rtsp://cam/live/, trackID=1, rtsp://cam/live/trackID=1",
        "rtsp://cam/live, trackID=1, rtsp://cam/live/trackID=1",
        "rtsp://cam:554/a?channel=1, trackID=0, rtsp://cam:554/a?channel=1/trackID=0",
        "rtsp://cam:554/a/b, /c/track2, rtsp://cam:554/c/track2",
        "rtsp://cam/a, rtsp://other/b/trackID=3, rtsp://other/b/trackID=3",
        "rtsp://cam/a, RTSPS://other/x, RTSPS://other/x",
    })
    void resolvesAgainstTheContentBase(String base, String control, String expected) {
        assertThat(ControlUrl.resolve(base, control)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "rtsp://kvr:8554/cam1/trackID=0, 0",
        "rtsp://kvr:8554/cam1/trackID=12/, 12",
        "trackID=3, 3",
        "rtsp://kvr:8554/cam1, -1",
        "rtsp://kvr:8554/cam1/trackID=x, -1",
        "rtsp://kvr:8554/cam1/xtrackID=1, -1",
    })
    void findsTheTrackOfARelayUrl(String url, int expected) {
        assertThat(RelayDescription.trackOf(url).orElse(-1)).isEqualTo(expected);
    }
}
