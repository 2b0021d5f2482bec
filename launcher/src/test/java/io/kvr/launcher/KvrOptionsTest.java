package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KvrOptionsTest {

    @Test
    void toStringHidesCameraCredentialsAndSecretSettings() {
        KvrOptions options = KvrOptions.parse(new String[] {
            "run",
            "--camera",
            "live/door=rtsp://admin:s3cret-A@10.0.0.5/x?user=admin&password=s3cret-B",
            "s3.secret.key=s3cret-C",
            "access.token.secret=s3cret-D",
            "http.port=0"
        });

        assertThat(options.toString())
                .contains("live/door=rtsp://***@10.0.0.5/x?user=admin&password=***", "s3.secret.key=******")
                .doesNotContain("s3cret-A", "s3cret-B", "s3cret-C", "s3cret-D");
        assertThat(options.cameras())
                .containsEntry("live/door", "rtsp://admin:s3cret-A@10.0.0.5/x?user=admin&password=s3cret-B");
    }

    @Test
    void rtspIsServedOnlyWhereAskedFor() {
        assertThat(KvrOptions.parse(new String[] {"run"}).settings()).doesNotContainKey("rtsp.enabled");
        assertThat(KvrOptions.parse(new String[] {"run", "--rtsp", "0.0.0.0:8554"})
                        .settings())
                .containsEntry("rtsp.enabled", "true")
                .containsEntry("rtsp.host", "0.0.0.0")
                .containsEntry("rtsp.port", "8554");
        assertThat(KvrOptions.parse(new String[] {"demo", "--rtsp=:0", "publish.open=true"})
                        .settings())
                .containsEntry("rtsp.port", "0")
                .containsEntry("publish.open", "true");
        assertThat(KvrOptions.parse(new String[] {
                            "run", "--rtsp", "0.0.0.0:8554", "--rtsps", "0.0.0.0:8322", "--tls-cert", "c.pem"
                        })
                        .settings())
                .containsEntry("rtsp.tls.port", "8322")
                .containsEntry("http.tls.cert", "c.pem");
        assertThatThrownBy(() -> KvrOptions.parse(new String[] {"run", "--rtsps", "0.0.0.0:8322"}))
                .isInstanceOf(KvrOptions.UsageException.class)
                .hasMessageContaining("--rtsps goes with --rtsp");
    }
}
