package io.kvr.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "rtsp://user:pass@10.0.0.5/stream1          | rtsp://***@10.0.0.5/stream1",
        "rtsps://admin:s3cr3t@cam.local:322/live    | rtsps://***@cam.local:322/live",
        "http://user:pass@host:8080/x?y=1           | http://***@host:8080/x?y=1",
        "RTSP://Admin:Pw@Host/                      | RTSP://***@Host/",
        "rtsp://useronly@10.0.0.5/h264              | rtsp://***@10.0.0.5/h264",
        "rtsp://user:p@ss@10.0.0.5/h264             | rtsp://***@10.0.0.5/h264",
        "rtsp://10.0.0.6/h264                       | rtsp://10.0.0.6/h264",
        "http://host/path/user@example.com          | http://host/path/user@example.com",
        "no url here, mail me at a@b.c              | no url here, mail me at a@b.c",
        "'cannot open rtsp://u:p1@h1/a, then http://u2:p2@h2:80/b' | 'cannot open rtsp://***@h1/a, then http://***@h2:80/b'",
    })
    void redactsUserInfoOfEveryUrl(String text, String expected) {
        assertThat(Secrets.redactUrl(text)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void nullStaysNull() {
        assertThat(Secrets.redactUrl(null)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3.secret.key", "s3.access.key", "kafka.sasl.jaas.config", "kafka.ssl.key.password",
        "DB.PASSWORD", "api.token"})
    void secretLookingKeys(String key) {
        assertThat(Secrets.looksSecret(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3.endpoint", "kafka.bootstrap.servers", "camera.live/door.url", "http.port",
        "kafka.ssl.keystore.location"})
    void ordinaryKeys(String key) {
        assertThat(Secrets.looksSecret(key)).isFalse();
    }
}
