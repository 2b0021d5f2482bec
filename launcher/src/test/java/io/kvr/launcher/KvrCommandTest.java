package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KvrCommandTest {

    private record Run(int status, String out, String err) {}

    private static Run kvr(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = KvrCommand.execute(
                new CommandContext(
                        Map.of(),
                        Clock.systemUTC(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)),
                args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandAndExitsZero() {
        for (String[] args : new String[][] {{"--help"}, {"-h"}, {"help"}}) {
            Run help = kvr(args);
            assertThat(help.status()).as(String.join(" ", args)).isZero();
            assertThat(help.out())
                    .startsWith("usage: kvr")
                    .contains("run", "demo", "infra", "token", "topics", "tool", "help");
            assertThat(help.err()).isEmpty();
        }
    }

    @Test
    void everyCommandAnswersHelpWithItsUsageAndOptions() {
        Run run = kvr("run", "--help");
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .startsWith("usage: kvr run")
                .contains(
                        "--camera",
                        "--data",
                        "--http",
                        "--tls-cert",
                        "--tls-key",
                        "--kafka-port",
                        "--s3-port",
                        "--config",
                        "key=value");
        Run token = kvr("token", "--help");
        assertThat(token.status()).isZero();
        assertThat(token.out())
                .startsWith("usage: kvr token")
                .contains("--stream", "--role", "--ttl", "--start", "--end");
        // help comes before any check of the other arguments
        assertThat(kvr("token", "--role", "admin", "-h").status()).isZero();
        assertThat(kvr("help", "infra").out()).startsWith("usage: kvr infra").contains("--kafka-port");
        for (String command : new String[] {"demo", "infra", "topics", "tool"}) {
            Run help = kvr(command, "--help");
            assertThat(help.status()).as(command).isZero();
            assertThat(help.out()).as(command).startsWith("usage: kvr " + command);
        }
    }

    @Test
    void aFlagTakesItsValueAfterASpaceOrAnEqualsSign() {
        String[] spaced = {
            "run",
            "--data",
            "/srv/kvr",
            "--http",
            "0.0.0.0:9090",
            "--kafka-port",
            "0",
            "--s3-port",
            "19001",
            "--config",
            "kvr.properties",
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
            "--camera",
            "live/door=rtsp://10.0.0.5/s?a=b",
            "segmenter.target.duration=4s"
        };
        String[] joined = {
            "run",
            "--data=/srv/kvr",
            "--http=0.0.0.0:9090",
            "--kafka-port=0",
            "--s3-port=19001",
            "--config=kvr.properties",
            "--tls-cert=c.pem",
            "--tls-key=k.pem",
            "--camera=live/door=rtsp://10.0.0.5/s?a=b",
            "segmenter.target.duration=4s"
        };
        KvrOptions expected = new KvrOptions(
                "run",
                Path.of("/srv/kvr"),
                "0.0.0.0",
                9090,
                0,
                19001,
                Path.of("kvr.properties"),
                Map.of("live/door", "rtsp://10.0.0.5/s?a=b"),
                Map.of("http.tls.cert", "c.pem", "http.tls.key", "k.pem", "segmenter.target.duration", "4s"));
        assertThat(KvrOptions.parse(spaced)).isEqualTo(expected);
        assertThat(KvrOptions.parse(joined)).isEqualTo(expected);

        assertThat(InfraCommand.Options.parse(
                        new String[] {"infra", "--data=/tmp/x", "--kafka-port=19092", "--s3-port", "19000"}))
                .isEqualTo(new InfraCommand.Options(Path.of("/tmp/x"), 19092, 19000));
    }

    @Test
    void runAndDemoDefaultsAreTheDocumentedOnes() {
        KvrOptions demo = KvrOptions.parse(new String[] {"demo"});
        assertThat(demo)
                .isEqualTo(new KvrOptions(
                        "demo", Path.of("data"), "127.0.0.1", 8080, 19092, 19000, null, Map.of(), Map.of()));
        KvrOptions run = KvrOptions.parse(new String[] {
            "run",
            "--http",
            ":8081",
            "--camera",
            "a/b=udp://x:1",
            "--camera",
            "a/c=udp://x:2",
            "--data",
            "one",
            "--data",
            "two"
        });
        assertThat(run.httpHost()).isEqualTo("0.0.0.0");
        assertThat(run.httpPort()).isEqualTo(8081);
        assertThat(run.cameras()).containsExactly(Map.entry("a/b", "udp://x:1"), Map.entry("a/c", "udp://x:2"));
        assertThat(run.dataDir()).isEqualTo(Path.of("two"));
    }

    @Test
    void usageErrorsExitTwoWithAReasonNamingTheFlagAndTheUsage() {
        Run none = kvr();
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("kvr: missing command", "usage: kvr");

        Run unknown = kvr("record");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("kvr: unknown command 'record'");

        Run port = kvr("run", "--kafka-port=x");
        assertThat(port.status()).isEqualTo(2);
        assertThat(port.err()).contains("kvr run: --kafka-port takes a port number", "'x'", "usage: kvr run");

        Run http = kvr("run", "--http", "8080");
        assertThat(http.err()).contains("--http takes HOST:PORT, e.g. 127.0.0.1:8080");
        assertThat(kvr("run", "--camera", "live/door").err())
                .contains("--camera takes APP/STREAM=URL, e.g. live/door=rtsp://cam/stream");
        assertThat(kvr("run", "--data").err()).contains("--data needs a value");
        assertThat(kvr("run", "--bogus").err()).contains("unknown option '--bogus'");
        assertThat(kvr("demo", "nonsense").err()).contains("unknown option 'nonsense'");
        assertThat(kvr("tool").status()).isEqualTo(2);
        assertThat(kvr("tool", "gcc").err()).contains("ffmpeg or ffprobe");
        assertThat(kvr("infra", "--kafka-port", "70000").status()).isEqualTo(2);
    }

    @Test
    void aUsageErrorNeverShowsCameraCredentials() {
        Run stray = kvr("run", "rtsp://admin:s3cret-A@10.0.0.5/x");
        assertThat(stray.status()).isEqualTo(2);
        assertThat(stray.err()).contains("rtsp://***@10.0.0.5/x").doesNotContain("s3cret-A");
        Run badCamera = kvr("run", "--camera", "rtsp://admin:s3cret-B@10.0.0.5/x");
        assertThat(badCamera.status()).isEqualTo(2);
        assertThat(badCamera.err()).doesNotContain("s3cret-B");
        assertThatThrownBy(() -> KvrOptions.parse(new String[] {"run", "--bogus=rtsp://u:s3cret-C@h/x"}))
                .isInstanceOf(KvrOptions.UsageException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-C"));
    }
}
