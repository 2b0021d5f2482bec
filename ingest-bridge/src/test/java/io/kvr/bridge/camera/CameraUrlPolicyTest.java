package io.kvr.bridge.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.runtime.config.ConfigException;
import io.kvr.runtime.config.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CameraUrlPolicyTest {
    private static final CameraUrlPolicy DEFAULTS = CameraUrlPolicy.defaults();
    private static final CameraUrlPolicy PUBLIC_ONLY =
            new CameraUrlPolicy(Set.copyOf(CameraUrlPolicy.DEFAULT_SCHEMES), true);

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "rtsp://10.0.0.5/stream1",
                "rtsp://admin:s3cret@10.0.0.5:554/stream1?channel=1",
                "rtsp://admin:p@ss@10.0.0.5/x",
                "RTSP://10.0.0.5/stream1",
                "Rtsps://cam.local:322/live",
                "rtmp://10.0.0.5/live/key",
                "rtmps://live.example.com:443/app/key",
                "srt://10.0.0.5:9000?mode=caller&latency=200",
                "udp://127.0.0.1:40000?overrun_nonfatal=1&fifo_size=100&timeout=5000000",
                "rtsp://[fe80::1]:554/x",
                "rtsp://cam",
            })
    void allowedSchemesPass(String url) {
        assertThat(DEFAULTS.refusal(url)).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "file:///etc/passwd                                  | scheme 'file' is not allowed",
                "FILE:/etc/passwd                                    | scheme 'file' is not allowed",
                "http://127.0.0.1:8080/                              | scheme 'http' is not allowed",
                "https://169.254.169.254/latest/meta-data/           | scheme 'https' is not allowed",
                "tcp://10.0.0.1:6379                                 | scheme 'tcp' is not allowed",
                "'concat:/etc/passwd|/etc/hosts'                     | scheme 'concat' is not allowed",
                "cache:rtsp://10.0.0.5/x                             | scheme 'cache' is not allowed",
                "async:rtsp://10.0.0.5/x                             | scheme 'async' is not allowed",
                "data:text/plain;base64,AAAA                         | scheme 'data' is not allowed",
                "pipe:0                                              | scheme 'pipe' is not allowed",
                "hls+http://10.0.0.5/x.m3u8                          | scheme 'hls+http' is not allowed",
                "gopher://10.0.0.5:70/                               | scheme 'gopher' is not allowed",
                "subfile,,start,0,end,100,,:/etc/passwd              | absolute URL with a scheme",
                "/etc/passwd                                         | absolute URL with a scheme",
                "10.0.0.5/stream1                                    | absolute URL with a scheme",
                "://10.0.0.5/x                                       | absolute URL with a scheme",
                "%%%                                                 | absolute URL with a scheme",
                "rtsp:                                               | absolute URL such as rtsp://host/path",
                "rtsp:/10.0.0.5/x                                    | absolute URL such as rtsp://host/path",
                "rtsp:10.0.0.5                                       | absolute URL such as rtsp://host/path",
                "rtsp://10.0.0.5:abc/x                               | port that is not a number",
                "rtsp://10.0.0.5:99999/x                             | port that is not a number",
                "rtsp://admin:pa/ss@10.0.0.5/x                       | port that is not a number",
                "rtsp://[::1/x                                       | unclosed [",
                "rtsp://[::1]x/y                                     | after the ]",
            })
    void otherSchemesAndMalformedUrlsAreRefused(String url, String reason) {
        assertThat(DEFAULTS.refusal(url))
                .hasValueSatisfying(r ->
                        assertThat(r).contains(reason).doesNotContain("pa/ss").doesNotContain("passwd"));
    }

    @Test
    void emptyUrlsAreRefused() {
        assertThat(DEFAULTS.refusal(null)).isPresent();
        assertThat(DEFAULTS.refusal("")).isPresent();
        assertThat(DEFAULTS.refusal("  ")).isPresent();
    }

    @Test
    void theRefusalNamesTheAllowedSchemesAndTheSetting() {
        assertThat(DEFAULTS.refusal("file:///etc/passwd"))
                .hasValue(
                        "scheme 'file' is not allowed; allowed: rtmp, rtmps, rtsp, rtsps, srt, udp (bridge.url.schemes)");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "rtsp://10.0.0.5/x          | tcp,udp,rtp",
                "RTSP://10.0.0.5/x          | tcp,udp,rtp",
                "rtsps://10.0.0.5/x         | tls,tcp",
                "rtmp://10.0.0.5/x          | rtmp,tcp",
                "rtmps://10.0.0.5/x         | rtmps,tls,tcp",
                "srt://10.0.0.5:9000        | srt",
                "udp://127.0.0.1:5000       | udp",
                "/etc/passwd                | none",
                "gopher://h/                | gopher",
            })
    void ffmpegMayOpenOnlyWhatTheSchemeNeeds(String url, String protocols) {
        assertThat(DEFAULTS.protocols(url)).isEqualTo(protocols);
    }

    @Test
    void schemesAndTheAddressCheckComeFromSettings() {
        CameraUrlPolicy defaults = CameraUrlPolicy.from(Settings.of(Map.of()));
        CameraUrlPolicy custom = CameraUrlPolicy.from(
                Settings.of(Map.of("bridge.url.schemes", " RTSP, http ,", "bridge.url.deny.private", "true")));

        assertThat(defaults.schemes()).containsExactlyInAnyOrder("rtsp", "rtsps", "rtmp", "rtmps", "srt", "udp");
        assertThat(defaults.denyPrivate()).isFalse();
        assertThat(custom.schemes()).containsExactlyInAnyOrder("rtsp", "http");
        assertThat(custom.denyPrivate()).isTrue();
        assertThat(custom.refusal("http://8.8.8.8/mjpeg")).isEmpty();
        assertThat(custom.refusal("rtmp://8.8.8.8/live"))
                .hasValueSatisfying(r -> assertThat(r).contains("'rtmp'"));
        assertThat(custom.schemesOnly().denyPrivate()).isFalse();
        assertThat(custom.toString()).isEqualTo("CameraUrlPolicy[schemes=[http, rtsp], denyPrivate=true]");
    }

    @Test
    void badSettingsAreReportedByKey() {
        Settings s =
                Settings.of(Map.of("bridge.url.schemes", "rtsp, r t s p,file:", "bridge.url.deny.private", "maybe"));
        CameraUrlPolicy.from(s);
        Settings none = Settings.of(Map.of("bridge.url.schemes", " , ,"));
        CameraUrlPolicy.from(none);

        assertThatThrownBy(s::validate)
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "bridge.url.schemes: 'r t s p' is not a URL scheme",
                                        "bridge.url.schemes: 'file:' is not a URL scheme",
                                        "bridge.url.deny.private: 'maybe' is not true/false"));
        assertThatThrownBy(none::validate)
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .singleElement()
                                .satisfies(
                                        p -> assertThat(p).startsWith("bridge.url.schemes: name at least one scheme")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "rtsp://127.0.0.1/x                    | 127.0.0.1, a loopback address",
                "rtsp://127.8.9.10:8554/x              | a loopback address",
                "rtsp://localhost:8554/x               | a loopback address",
                "rtsp://LOCALHOST/x                    | a loopback address",
                "rtsp://[::1]:8554/x                   | a loopback address",
                "rtsp://[0:0:0:0:0:0:0:1]/x            | a loopback address",
                "rtsp://[::ffff:127.0.0.1]/x           | a loopback address",
                "rtsp://[::ffff:7f00:1]/x              | a loopback address",
                "rtsp://[::127.0.0.1]/x                | a loopback address",
                "rtsp://2130706433/x                   | a form other than a.b.c.d",
                "rtsp://127.1/x                        | a form other than a.b.c.d",
                "rtsp://0177.0.0.1/x                   | a form other than a.b.c.d",
                "rtsp://0x7f.0.0.1/x                   | a form other than a.b.c.d",
                "rtsp://0x7f000001/x                   | a form other than a.b.c.d",
                "rtsp://127.0.0.1./x                   | a form other than a.b.c.d",
                "rtsp://10.1.2.3/x                     | a private address",
                "rtsp://172.16.0.1/x                   | a private address",
                "rtsp://172.31.255.254/x               | a private address",
                "rtsp://192.168.1.10/x                 | a private address",
                "rtsp://100.64.0.1/x                   | a private address",
                "rtsp://[fc00::1]/x                    | a private address",
                "rtsp://[fd12:3456:789a::1]/x          | a private address",
                "rtsp://[fec0::1]/x                    | a private address",
                "rtsp://[::ffff:10.0.0.1]/x            | a private address",
                "rtsp://[64:ff9b::a00:1]/x             | a private address",
                "rtsp://169.254.169.254/x              | a link-local address",
                "rtsp://[fe80::1]/x                    | a link-local address",
                "rtsp://0.0.0.0:8554/x                 | an unspecified address",
                "rtsp://0.1.2.3/x                      | an unspecified address",
                "rtsp://[::]/x                         | an unspecified address",
                "udp://224.0.0.1:5000                  | a multicast address",
                "udp://239.1.2.3:5000                  | a multicast address",
                "rtsp://[ff02::1]/x                    | a multicast address",
                "udp://255.255.255.255:5000            | a broadcast address",
                "udp://@:5000                          | has no host",
                "srt://:9000?mode=listener             | has no host",
                "rtsp://admin:s3cret@127.0.0.1/x       | a loopback address",
            })
    void privateAddressesAreRefusedWhenAsked(String url, String reason) {
        assertThat(PUBLIC_ONLY.refusal(url))
                .hasValueSatisfying(r -> assertThat(r).contains(reason).doesNotContain("s3cret"));
        assertThat(DEFAULTS.refusal(url)).as("allowed unless asked").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "rtsp://8.8.8.8/x",
                "rtsp://1.1.1.1:554/x",
                "rtsp://172.32.0.1/x",
                "rtsp://100.128.0.1/x",
                "rtsp://[2001:4860:4860::8888]/x",
                "rtmps://203.0.113.7/live/key",
                "srt://198.51.100.1:9000"
            })
    void publicAddressesPass(String url) {
        assertThat(PUBLIC_ONLY.refusal(url)).isEmpty();
    }

    @Test
    void aHostIsRefusedWhenAnyOfItsAddressesIsPrivate() throws UnknownHostException {
        InetAddress[] mixed = {InetAddress.getByName("8.8.8.8"), InetAddress.getByName("10.0.0.7")};
        CameraUrlPolicy policy = withResolver(host -> mixed);

        assertThat(policy.refusal("rtsp://cam.example.com/x"))
                .hasValue("host resolves to 10.0.0.7, a private address; refused by bridge.url.deny.private");
    }

    @Test
    void aHostThatDoesNotResolveIsRefused() {
        CameraUrlPolicy policy = withResolver(host -> {
            throw new UnknownHostException(host);
        });

        assertThat(policy.refusal("rtsp://admin:s3cret@cam.example.com/x"))
                .hasValue("host does not resolve; bridge.url.deny.private needs its addresses");
        assertThat(withResolver(host -> new InetAddress[0]).refusal("rtsp://cam.example.com/x"))
                .isPresent();
    }

    @Test
    void eachCheckResolvesAgainSoAChangedAnswerCounts() throws UnknownHostException {
        AtomicReference<InetAddress> answer = new AtomicReference<>(InetAddress.getByName("203.0.113.7"));
        CameraUrlPolicy policy = withResolver(host -> new InetAddress[] {answer.get()});

        assertThat(policy.refusal("rtsp://cam.example.com/x")).as("when added").isEmpty();
        answer.set(InetAddress.getByName("127.0.0.1"));
        assertThat(policy.refusal("rtsp://cam.example.com/x")).as("when opened").isPresent();
        assertThat(policy.schemesOnly().refusal("rtsp://cam.example.com/x"))
                .as("no lookup")
                .isEmpty();
    }

    @Test
    void theHostIsWhereFfmpegFindsIt() throws UnknownHostException {
        AtomicReference<String> asked = new AtomicReference<>();
        InetAddress[] publicAddress = {InetAddress.getByName("203.0.113.7")};
        CameraUrlPolicy policy = withResolver(host -> {
            asked.set(host);
            return publicAddress;
        });

        // FFmpeg's authority ends at the first / ? or #, and the host follows its last @
        for (String[] urlAndHost : new String[][] {
            {"rtsp://a.example?@b.example/x", "a.example"},
            {"rtsp://a.example#@b.example/x", "a.example"},
            {"rtsp://u:p@ss@c.example:554/x", "c.example"},
            {"rtsp://u@a.example@c.example/x@d.example", "c.example"},
            {"rtsp://[2001:db8::1]:554/x", "2001:db8::1"},
        }) {
            assertThat(policy.refusal(urlAndHost[0])).isEmpty();
            assertThat(asked.get()).as(urlAndHost[0]).isEqualTo(urlAndHost[1]);
        }
    }

    private static CameraUrlPolicy withResolver(CameraUrlPolicy.Resolver resolver) {
        return new CameraUrlPolicy(Set.copyOf(CameraUrlPolicy.DEFAULT_SCHEMES), true, resolver);
    }
}
