package io.kvr.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
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

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // every secret-looking parameter name, in several cases
                "rtsp://h/x?password=p1                    | rtsp://h/x?password=***",
                "rtsp://h/x?Password=p1                    | rtsp://h/x?Password=***",
                "rtsp://h/x?PASSWORD=p1                    | rtsp://h/x?PASSWORD=***",
                "rtsp://h/x?passwd=p1                      | rtsp://h/x?passwd=***",
                "rtsp://h/x?pass=p1                        | rtsp://h/x?pass=***",
                "rtsp://h/x?Pass=p1                        | rtsp://h/x?Pass=***",
                "rtsp://h/x?pwd=p1                         | rtsp://h/x?pwd=***",
                "rtsp://h/x?PWD=p1                         | rtsp://h/x?PWD=***",
                "rtsp://h/x?token=p1                       | rtsp://h/x?token=***",
                "rtsp://h/x?access_token=p1                | rtsp://h/x?access_token=***",
                "rtsp://h/x?Token=p1                       | rtsp://h/x?Token=***",
                "rtsp://h/x?key=p1                         | rtsp://h/x?key=***",
                "rtsp://h/x?apiKey=p1                      | rtsp://h/x?apiKey=***",
                "rtsp://h/x?API_KEY=p1                     | rtsp://h/x?API_KEY=***",
                "rtsp://h/x?secret=p1                      | rtsp://h/x?secret=***",
                "rtsp://h/x?client_Secret=p1               | rtsp://h/x?client_Secret=***",
                "rtsp://h/x?auth=p1                        | rtsp://h/x?auth=***",
                "rtsp://h/x?Authorization=p1               | rtsp://h/x?Authorization=***",
                "rtsp://h/x?signature=p1                   | rtsp://h/x?signature=***",
                "rtsp://h/x?X-Amz-Signature=p1             | rtsp://h/x?X-Amz-Signature=***",
                "srt://h:9000?mode=caller&passphrase=p1    | srt://h:9000?mode=caller&passphrase=***",
                // parameters that stay
                "rtsp://h/x?user=admin&channel=1&subtype=0 | rtsp://h/x?user=admin&channel=1&subtype=0",
                "rtsp://h/x?username=admin                 | rtsp://h/x?username=admin",
                "udp://127.0.0.1:5000?overrun_nonfatal=1&fifo_size=100 | udp://127.0.0.1:5000?overrun_nonfatal=1&fifo_size=100",
                // mixed, repeated, userinfo and query together
                "rtsp://admin:s3cret-A@127.0.0.1:8554/path?user=admin&password=s3cret-B&token=s3cret-C | rtsp://***@127.0.0.1:8554/path?user=admin&password=***&token=***",
                "rtsp://h/x?token=a&user=u&token=b         | rtsp://h/x?token=***&user=u&token=***",
                // encoded characters: in values, and names that only decode to a secret word
                "rtsp://h/x?password=a%26b&user=u          | rtsp://h/x?password=***&user=u",
                "rtsp://h/x?user=a%40b                     | rtsp://h/x?user=a%40b",
                "rtsp://h/x?%70wd=p1                       | rtsp://h/x?%70wd=***",
                "rtsp://h/x?tok%65n=p1                     | rtsp://h/x?tok%65n=***",
                "rtsp://h/x?tok%zzen=kept                  | rtsp://h/x?tok%zzen=kept",
                // fragments, ;-parameters, path segments
                "rtsp://h/x#token=p1                       | rtsp://h/x#token=***",
                "rtsp://h/x;password=p1                    | rtsp://h/x;password=***",
                "rtsp://h/user=admin/password=p1/live      | rtsp://h/user=admin/password=***",
                // without a query, or with an empty value: nothing to hide
                "rtsp://h:554/live                         | rtsp://h:554/live",
                "rtsp://h/x?password=                      | rtsp://h/x?password=",
                "rtsp://h/x?password                       | rtsp://h/x?password",
                // URLs inside a message; the message's own punctuation stays
                "'cannot open rtsp://u:p@h/x?token=p1: Connection refused' | 'cannot open rtsp://***@h/x?token=***: Connection refused'",
                "'a rtsp://h/x?pwd=p1 and rtmp://h/y?key=p2' | 'a rtsp://h/x?pwd=*** and rtmp://h/y?key=***'",
                // malformed
                "rtsp:/h/x?password=p1                     | rtsp:/h/x?password=***",
                "h/x?pwd=p1                                | h/x?pwd=***",
                "?token=p1                                 | ?token=***",
                "password=p1                               | password=***",
                "rtsp://[::1/x?token=p1                    | rtsp://[::1/x?token=***",
                "rtsp://user:p1@                           | rtsp://***@",
                "rtsp://admin:p1@@h                        | rtsp://***@h",
                "%%%?token=%zz%                            | %%%?token=***",
                "rtsp://h/x?=kept&&token==p1==             | rtsp://h/x?=kept&&token=***",
            })
    void redactsSecretLookingParametersOfEveryUrl(String text, String expected) {
        assertThat(Secrets.redactUrl(text)).isEqualTo(expected);
        assertThat(Secrets.redactUrl(expected))
                .as("redacting again changes nothing")
                .isEqualTo(expected);
        assertThat(expected).doesNotContain("p1", "p2", "s3cret");
    }

    @org.junit.jupiter.api.Test
    void garbageNeverThrows() {
        java.util.Random random = new java.util.Random(42);
        String alphabet = "rtsp:/?&#;=@%[]:. \t\npasswordtokenKEY01";
        for (int i = 0; i < 10_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = random.nextInt(40); n > 0; n--) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = b.toString();
            org.assertj.core.api.Assertions.assertThatCode(() -> {
                        Secrets.redactUrl(text);
                        Secrets.holdsRedaction(text);
                    })
                    .as(text)
                    .doesNotThrowAnyException();
        }
        assertThat(Secrets.redactUrl("rtsp://h/x?token=" + "a".repeat(100_000))).isEqualTo("rtsp://h/x?token=***");
        // one pass: many harmless parameters before a secret one cost no more than reading them
        String many = "rtsp://h" + "/a=b".repeat(50_000);
        assertThat(Secrets.redactUrl(many + "?token=p1")).isEqualTo(many + "?token=***");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "rtsp://***@h/x                 | true",
                "rtsp://h/x?password=***        | true",
                "rtsp://h/x?a=1&Token=***       | true",
                "rtsp://h/x?user=***            | false",
                "rtsp://h/x?password=abc        | false",
                "rtsp://u:p@h/x                 | false",
            })
    void knowsWhatARedactedUrlLooksLike(String url, boolean redacted) {
        assertThat(Secrets.holdsRedaction(url)).isEqualTo(redacted);
    }

    record Example(String name, java.net.URI index, java.util.Map<String, String> settings, int port) {}

    @org.junit.jupiter.api.Test
    void recordsShowEveryComponentWithUrlsRedactedAndSecretSettingsHidden() {
        java.util.Map<String, String> settings = new java.util.TreeMap<>(java.util.Map.of(
                "camera.live/door.url",
                "rtsp://admin:p1@10.0.0.5/x?token=p2",
                "s3.secret.key",
                "p3",
                "http.port",
                "80"));
        Example example =
                new Example("edge", java.net.URI.create("http://kvr:p4@indexer:8082/?key=p5"), settings, 8080);

        assertThat(Secrets.redactedToString(example))
                .isEqualTo("Example[name=edge, index=http://***@indexer:8082/?key=***, "
                        + "settings={camera.live/door.url=rtsp://***@10.0.0.5/x?token=***, http.port=80, s3.secret.key=******}, "
                        + "port=8080]");
    }

    @org.junit.jupiter.api.Test
    void nullStaysNull() {
        assertThat(Secrets.redactUrl(null)).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "s3.secret.key",
                "s3.access.key",
                "kafka.sasl.jaas.config",
                "kafka.ssl.key.password",
                "DB.PASSWORD",
                "api.token"
            })
    void secretLookingKeys(String key) {
        assertThat(Secrets.looksSecret(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "s3.endpoint",
                "kafka.bootstrap.servers",
                "camera.live/door.url",
                "http.port",
                "kafka.ssl.keystore.location"
            })
    void ordinaryKeys(String key) {
        assertThat(Secrets.looksSecret(key)).isFalse();
    }
}
