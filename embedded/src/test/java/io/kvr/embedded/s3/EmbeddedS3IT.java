package io.kvr.embedded.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** One server for the whole class; the restart test runs last and leaves the restarted server for {@link #stop()}. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedS3IT {

    private static final String ACCESS_KEY = "kvr-test";
    private static final String SECRET_KEY = "kvr-test-secret";

    @TempDir
    static Path data;

    private static EmbeddedS3 s3;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start(EmbeddedS3.Config.of(data.resolve("s3"), ACCESS_KEY, SECRET_KEY));
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    @Order(1)
    void putGetStatListAndDelete() throws Exception {
        MinioClient client = client(s3.secretKey());
        String bucket = uniqueBucket();
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        assertThat(client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()))
                .isTrue();
        assertThat(data.resolve("s3").resolve(bucket)).isDirectory();

        byte[] segment = randomBytes(300_000);
        put(client, bucket, "cam-1/000001.m4s", segment);
        put(client, bucket, "cam-1/000002.m4s", randomBytes(10));
        put(client, bucket, "cam-2/000001.m4s", randomBytes(10));

        try (GetObjectResponse in = client.getObject(GetObjectArgs.builder()
                .bucket(bucket)
                .object("cam-1/000001.m4s")
                .build())) {
            assertThat(in.readAllBytes()).isEqualTo(segment);
        }

        StatObjectResponse stat = client.statObject(StatObjectArgs.builder()
                .bucket(bucket)
                .object("cam-1/000001.m4s")
                .build());
        assertThat(stat.size()).isEqualTo(segment.length);
        assertThat(stat.contentType()).isEqualTo("video/iso.segment");
        assertThat(stat.etag()).isEqualTo(md5Hex(segment));

        assertThat(list(client, bucket, "cam-1/")).containsExactly("cam-1/000001.m4s", "cam-1/000002.m4s");
        assertThat(list(client, bucket, "")).hasSize(3);

        client.removeObject(RemoveObjectArgs.builder()
                .bucket(bucket)
                .object("cam-1/000002.m4s")
                .build());
        assertThat(list(client, bucket, "cam-1/")).containsExactly("cam-1/000001.m4s");
        assertThatThrownBy(() -> client.statObject(StatObjectArgs.builder()
                        .bucket(bucket)
                        .object("cam-1/000002.m4s")
                        .build()))
                .isInstanceOfSatisfying(
                        ErrorResponseException.class,
                        e -> assertThat(e.errorResponse().code()).isEqualTo("NoSuchKey"));
    }

    @Test
    @Order(2)
    void rangedGetReturnsJustTheRange() throws Exception {
        MinioClient client = client(s3.secretKey());
        String bucket = uniqueBucket();
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        byte[] content = randomBytes(100_000);
        put(client, bucket, "range.bin", content);

        try (GetObjectResponse in = client.getObject(GetObjectArgs.builder()
                .bucket(bucket)
                .object("range.bin")
                .offset(1_000L)
                .length(2_500L)
                .build())) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 1_000, 3_500));
        }
        try (GetObjectResponse in = client.getObject(GetObjectArgs.builder()
                .bucket(bucket)
                .object("range.bin")
                .offset(99_990L)
                .build())) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 99_990, 100_000));
        }
    }

    @Test
    @Order(3)
    void rejectsAWrongSecret() {
        MinioClient intruder = client("not-the-secret");
        assertThatThrownBy(() -> intruder.makeBucket(
                        MakeBucketArgs.builder().bucket(uniqueBucket()).build()))
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
                    assertThat(e.response().code()).isEqualTo(403);
                    assertThat(e.errorResponse().code()).isEqualTo("SignatureDoesNotMatch");
                });
    }

    @Test
    @Order(100)
    void restartKeepsBucketsAndObjects() throws Exception {
        MinioClient client = client(s3.secretKey());
        String bucket = uniqueBucket();
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        byte[] content = randomBytes(50_000);
        put(client, bucket, "keep/me.m4s", content);
        EmbeddedS3.Config config = s3.config();

        s3.close();
        s3.close(); // idempotent
        s3 = EmbeddedS3.start(config);

        MinioClient restarted = client(s3.secretKey());
        try (GetObjectResponse in = restarted.getObject(
                GetObjectArgs.builder().bucket(bucket).object("keep/me.m4s").build())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        StatObjectResponse stat = restarted.statObject(
                StatObjectArgs.builder().bucket(bucket).object("keep/me.m4s").build());
        assertThat(stat.etag()).isEqualTo(md5Hex(content));
        assertThat(stat.contentType()).isEqualTo("video/iso.segment");
        assertThat(Files.size(data.resolve("s3").resolve(bucket).resolve("keep").resolve("me.m4s")))
                .isEqualTo(content.length);
    }

    private static MinioClient client(String secretKey) {
        return MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(s3.accessKey(), secretKey)
                .build();
    }

    private static void put(MinioClient client, String bucket, String key, byte[] content) throws Exception {
        client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                        new ByteArrayInputStream(content), content.length, -1)
                .contentType("video/iso.segment")
                .build());
    }

    private static List<String> list(MinioClient client, String bucket, String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> result : client.listObjects(ListObjectsArgs.builder()
                .bucket(bucket)
                .prefix(prefix)
                .recursive(true)
                .build())) {
            keys.add(result.get().objectName());
        }
        return keys;
    }

    private static String uniqueBucket() {
        return "test-" + UUID.randomUUID();
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String md5Hex(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }
}
