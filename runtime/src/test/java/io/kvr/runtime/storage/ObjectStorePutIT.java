package io.kvr.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.embedded.s3.EmbeddedS3;
import io.kvr.runtime.config.S3Settings;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ObjectStore#put(String, byte[], int, int, String)} sends small objects in one PUT to a presigned URL
 * rather than through the SDK (no payload hashing): the object stored is exactly the slice given, and a refused
 * request is a {@link StorageException} naming S3's error code without the secret. A streamed put whose content
 * fails part-way throws the content's own error, and nothing is stored.
 */
class ObjectStorePutIT {
    private static final String ACCESS_KEY = "kvr-put-test";
    private static final String SECRET_KEY = "kvr-put-test-secret";

    @TempDir
    Path data;

    @Test
    void storesTheSliceAndReportsRefusals() throws Exception {
        try (EmbeddedS3 s3 = EmbeddedS3.start(EmbeddedS3.Config.of(data.resolve("s3"), ACCESS_KEY, SECRET_KEY))) {
            ObjectStore store = new ObjectStore(
                    new S3Settings(s3.endpoint(), "us-east-1", "kvr", ACCESS_KEY, SECRET_KEY, "", true));
            store.ensureBucket();
            byte[] bytes = new byte[3 << 20];
            new Random(7).nextBytes(bytes);
            store.put("app/cam/2026/12/04/16/s-1.m4s", bytes, 1000, bytes.length - 2000, "video/iso.segment");

            assertThat(store.stat("app/cam/2026/12/04/16/s-1.m4s").orElseThrow().size())
                    .isEqualTo(bytes.length - 2000);
            try (InputStream in = store.get("app/cam/2026/12/04/16/s-1.m4s")) {
                byte[] back = in.readAllBytes();
                assertThat(back).hasSize(bytes.length - 2000);
                assertThat(back[0]).isEqualTo(bytes[1000]);
                assertThat(back[back.length - 1]).isEqualTo(bytes[bytes.length - 1001]);
                assertThat(java.util.Arrays.equals(back, 0, back.length, bytes, 1000, bytes.length - 1000))
                        .isTrue();
            }

            ObjectStore wrong = new ObjectStore(
                    new S3Settings(s3.endpoint(), "us-east-1", "kvr", ACCESS_KEY, "not-the-secret", "", true));
            assertThatThrownBy(() -> wrong.put("app/cam/x.m4s", bytes, "video/iso.segment"))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("cannot put app/cam/x.m4s")
                    .hasMessageContaining("SignatureDoesNotMatch")
                    .hasMessageNotContaining("not-the-secret");
            assertThat(store.stat("app/cam/x.m4s")).isEmpty();

            ObjectStore.Content failing = out -> {
                out.write(bytes, 0, 1 << 20);
                throw new java.io.IOException("segment app/cam/s-9.m4s unreadable");
            };
            assertThatThrownBy(() -> store.put("exports/x.mp4", bytes.length, "video/mp4", 8L << 20, failing))
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining("segment app/cam/s-9.m4s unreadable");
            ObjectStore.Content refusing = out -> {
                throw new IllegalStateException("codec changed at 1764864000000");
            };
            assertThatThrownBy(() -> store.put("exports/y.mp4", bytes.length, "video/mp4", 8L << 20, refusing))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("codec changed at 1764864000000");
            assertThat(store.stat("exports/x.mp4")).isEmpty();
            assertThat(store.stat("exports/y.mp4")).isEmpty();
        }
    }
}
