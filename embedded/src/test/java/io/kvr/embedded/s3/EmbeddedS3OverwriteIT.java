package io.kvr.embedded.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.http.Method;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a reader of an object's file sees while the object is stored again under the same key, as the segmenter
 * does with an init segment after a restart: never an empty or partial file, and an upload cut off by a killed
 * client leaves the stored object as it was. Uploads go to presigned URLs over raw sockets, so a request can be
 * cut off exactly where a SIGKILL would.
 */
class EmbeddedS3OverwriteIT {

    private static final String ACCESS_KEY = "kvr-test";
    private static final String SECRET_KEY = "kvr-test-secret";
    private static final String BUCKET = "overwrite";

    @TempDir
    static Path data;

    private static EmbeddedS3 s3;
    private static MinioClient client;

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3.start(EmbeddedS3.Config.of(data.resolve("s3"), ACCESS_KEY, SECRET_KEY));
        client = MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(ACCESS_KEY, SECRET_KEY)
                .build();
        client.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void anUploadCutOffMidwayLeavesTheStoredObjectAsItWas() throws Exception {
        String key = "cam/front/init/cut-off.mp4";
        byte[] stored = randomBytes(1000, 1);
        assertThat(put(key, stored, stored.length, false)).startsWith("HTTP/1.1 200");

        for (int sent : new int[] {0, 1, 500, 999}) {
            for (boolean reset : new boolean[] {false, true}) {
                put(key, randomBytes(1000, 2), sent, reset);
                // the server notices the closed connection on its own thread
                Thread.sleep(300);
                assertThat(Files.readAllBytes(bucketDir().resolve(key)))
                        .as("after an upload cut off at %d of 1000 bytes (%s)", sent, reset ? "reset" : "closed")
                        .isEqualTo(stored);
            }
        }
    }

    @Test
    void aReaderOfTheFileNeverSeesAPartialObjectWhileTheKeyIsStoredAgain() throws Exception {
        String key = "cam/front/init/stored-again.mp4";
        byte[] content = randomBytes(200_000, 3);
        assertThat(put(key, content, content.length, false)).startsWith("HTTP/1.1 200");
        Path file = bucketDir().resolve(key);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        assertThat(put(key, content, content.length, false)).startsWith("HTTP/1.1 200");
                    }
                    return null;
                }));
            }
            Future<Integer> reader = pool.submit(() -> {
                int reads = 0;
                while (writing.get()) {
                    try {
                        byte[] seen = Files.readAllBytes(file);
                        assertThat(seen.length).as("size of read %d", reads).isEqualTo(content.length);
                        assertThat(Arrays.equals(seen, content))
                                .as("content of read %d", reads)
                                .isTrue();
                    } catch (NoSuchFileException e) {
                        throw new AssertionError("the object's file vanished during an overwrite", e);
                    }
                    reads++;
                }
                return reads;
            });
            for (Future<?> w : writers) {
                w.get();
            }
            writing.set(false);
            assertThat(reader.get()).isPositive();
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
    }

    private static Path bucketDir() {
        return data.resolve("s3").resolve(BUCKET);
    }

    /**
     * PUTs {@code body} to a presigned URL over a raw socket, sending only its first {@code sent} bytes; when that
     * is short of the whole body the connection is closed (or reset) without waiting for an answer, as a killed
     * client's would be. Returns the status line, or an empty string when cut off.
     */
    private static String put(String key, byte[] body, int sent, boolean reset) throws Exception {
        URI url = URI.create(client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.PUT)
                .bucket(BUCKET)
                .object(key)
                .expiry(300)
                .build()));
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            OutputStream out = socket.getOutputStream();
            String head = "PUT " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\n"
                    + "Host: " + url.getHost() + ":" + url.getPort() + "\r\n"
                    + "Content-Type: video/mp4\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, sent);
            out.flush();
            if (sent < body.length) {
                if (reset) {
                    socket.setSoLinger(true, 0);
                }
                return "";
            }
            return statusLine(socket.getInputStream());
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\r' && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }

    private static byte[] randomBytes(int n, long variant) {
        byte[] bytes = new byte[n];
        new Random(variant).nextBytes(bytes);
        return bytes;
    }
}
