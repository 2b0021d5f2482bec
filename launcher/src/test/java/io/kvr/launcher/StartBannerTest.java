package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.runtime.config.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartBannerTest {

    @Test
    void namesTheTopicsBucketAndAddressesOfTheSettingsInUse() {
        Settings settings = Settings.of(Map.of(
                "kafka.bootstrap.servers",
                "127.0.0.1:41000",
                "s3.endpoint",
                "http://127.0.0.1:42000",
                "s3.bucket",
                "site1-video",
                "topics.prefix",
                "site1.",
                "topics.segments",
                "custom.segments"));
        String text = StartBanner.of("http://127.0.0.1:8080", List.of("live/door"), settings, Path.of("data"), false)
                .text();

        assertThat(text)
                .contains(
                        "kafka:    127.0.0.1:41000  (topics site1.media.v1, custom.segments, "
                                + "site1.sources.v1, site1.policies.v1)",
                        "s3:       http://127.0.0.1:42000  (bucket site1-video)",
                        "live HLS: http://127.0.0.1:8080/live/door/index.m3u8")
                .doesNotContain("kvr.media.v1", "bucket kvr)", "demo camera", "rtsp:");
    }

    @Test
    void defaultsAreKvrsOwnNamesAndTheDemoSaysWhereToLook() {
        Settings settings = Settings.of(
                Map.of("kafka.bootstrap.servers", "127.0.0.1:19092", "s3.endpoint", "http://127.0.0.1:19000"));
        String text = StartBanner.of("http://127.0.0.1:8080", List.of(Kvr.DEMO_STREAM), settings, Path.of("data"), true)
                .text();

        assertThat(text)
                .contains(
                        "(topics kvr.media.v1, kvr.segments.v1, kvr.sources.v1, kvr.policies.v1)",
                        "(bucket kvr)",
                        "Open http://127.0.0.1:8080/?stream=demo/clock");
    }

    @Test
    void anRtspServerShowsWhereToPush() {
        Settings settings = Settings.of(Map.of("kafka.bootstrap.servers", "127.0.0.1:19092"));
        String text = StartBanner.of("http://127.0.0.1:8080", List.of(), settings, Path.of("data"), false)
                .withRtsp("rtsp://127.0.0.1:8554")
                .text();

        assertThat(text).contains("rtsp:     rtsp://127.0.0.1:8554/APP/STREAM  (push with ANNOUNCE/RECORD)");
    }
}
