package io.kvr.runtime.storage;

import io.kvr.runtime.config.S3Settings;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/** One bucket of an S3-compatible store. Keys are built by callers; this class never logs credentials. */
public final class ObjectStore {
    /** Lifetime of the presigned URL of one small upload: only long enough for the request to start. */
    private static final int PUT_URL_SECONDS = 300;
    /** The largest object S3 takes in one PUT (5 GiB). */
    public static final long MAX_SINGLE_PUT = 5L << 30;

    private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern ERROR_MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

    private final MinioClient client;
    /**
     * The one HTTP client (and connection pool) of this store: the SDK's calls and the uploads this class sends
     * itself to presigned URLs. Its timeouts apply to the SDK's calls too (the SDK's own client waits 5 min): a
     * hung store fails a call within a minute, which the segmenter's and exporter's retries then handle.
     */
    private final OkHttpClient http = new OkHttpClient.Builder()
            .connectTimeout(15, TimeUnit.SECONDS)
            .writeTimeout(60, TimeUnit.SECONDS)
            .readTimeout(60, TimeUnit.SECONDS)
            .protocols(List.of(Protocol.HTTP_1_1)) // as the SDK's own client
            .build();

    private final String bucket;
    private final String endpoint;

    public ObjectStore(S3Settings settings) {
        this.client = MinioClient.builder()
                .endpoint(settings.endpoint())
                .region(settings.region())
                .credentials(settings.accessKey(), settings.secretKey())
                .httpClient(http)
                .build();
        settings.applyAddressing(client);
        this.bucket = settings.bucket();
        this.endpoint = settings.endpoint();
    }

    public String bucket() {
        return bucket;
    }

    /** Creates the bucket when missing. */
    public void ensureBucket() {
        call("check bucket " + bucket, () -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                } catch (ErrorResponseException e) {
                    String code = e.errorResponse().code();
                    if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    /**
     * Stores {@code length} bytes in one PUT to a presigned URL (SigV4 query signature, payload unsigned). The
     * SDK's own PUT over plain HTTP signs the payload: it hashes every byte with SHA-256, and the server buffers
     * the whole body and hashes it again (s3proxy twice) to check that signature, which was the largest CPU cost
     * of storing segments (BENCHMARKS.md, ingest). The URL's signature still authenticates the request.
     */
    public void put(String key, byte[] bytes, int offset, int length, String contentType) {
        call("put " + key, () -> {
            String url = client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.PUT)
                    .bucket(bucket)
                    .object(key)
                    .expiry(PUT_URL_SECONDS)
                    .build());
            Request request = new Request.Builder()
                    .url(url)
                    .put(RequestBody.create(bytes, MediaType.parse(contentType), offset, length))
                    .build();
            try (Response response = http.newCall(request).execute()) {
                if (!response.isSuccessful()) {
                    throw new IOException(describe(response));
                }
            }
            return null;
        });
    }

    /** The S3 error of a refused request: its code and message when the body is an S3 error document. */
    private static String describe(Response response) throws IOException {
        String body = response.body().string();
        Matcher code = ERROR_CODE.matcher(body);
        Matcher message = ERROR_MESSAGE.matcher(body);
        StringBuilder out = new StringBuilder("HTTP ").append(response.code());
        if (code.find()) {
            out.append(' ').append(code.group(1));
        }
        if (message.find()) {
            out.append(": ").append(message.group(1));
        }
        return out.toString();
    }

    public void put(String key, byte[] bytes, String contentType) {
        put(key, bytes, 0, bytes.length, contentType);
    }

    /**
     * Stores {@code size} bytes read from {@code in}; objects over {@code partSize} go up as a multipart upload
     * (parts of {@code partSize}, at least 5 MiB), so memory stays at about one part.
     */
    public void put(String key, InputStream in, long size, long partSize, String contentType) {
        call(
                "put " + key,
                () -> client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                                in, size, Math.max(5L << 20, partSize))
                        .contentType(contentType)
                        .build()));
    }

    /** Writes an object's bytes to a stream, once. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Stores the {@code size} bytes that {@code content} writes, streamed as it writes them: no temporary file,
     * memory of a socket buffer. Up to {@link #MAX_SINGLE_PUT} this is one PUT to a presigned URL (payload
     * unsigned, see {@link #put(String, byte[], int, int, String)}): the server writes the object once. A
     * multipart upload writes every part and then the whole object again, and signs and hashes each part on both
     * sides; that was most of an export job's time (BENCHMARKS.md, export). Larger objects go up through the SDK's
     * multipart upload in parts of {@code partSize}, fed by a pipe.
     */
    public void put(String key, long size, String contentType, long partSize, Content content) {
        if (size > MAX_SINGLE_PUT) {
            putMultipart(key, size, contentType, partSize, content);
            return;
        }
        try {
            putStreamed(key, size, contentType, content);
        } catch (StorageException e) {
            // the content failed, not the store: its own error says why
            if (e.getCause() instanceof ContentFailure failure) {
                if (failure.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new UncheckedIOException((IOException) failure.getCause());
            }
            throw e;
        }
    }

    /** What the content writer threw while its bytes were being sent (as opposed to the store refusing them). */
    private static final class ContentFailure extends IOException {
        ContentFailure(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    private void putStreamed(String key, long size, String contentType, Content content) {
        call("put " + key, () -> {
            String url = client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.PUT)
                    .bucket(bucket)
                    .object(key)
                    .expiry(PUT_URL_SECONDS)
                    .build());
            RequestBody body = new RequestBody() {
                @Override
                public MediaType contentType() {
                    return MediaType.parse(contentType);
                }

                @Override
                public long contentLength() {
                    return size;
                }

                @Override
                public boolean isOneShot() {
                    return true;
                }

                @Override
                public void writeTo(BufferedSink sink) throws IOException {
                    try {
                        content.writeTo(sink.outputStream());
                    } catch (IOException | RuntimeException e) {
                        throw new ContentFailure(e);
                    }
                }
            };
            try (Response response = http.newCall(
                            new Request.Builder().url(url).put(body).build())
                    .execute()) {
                if (!response.isSuccessful()) {
                    throw new IOException(describe(response));
                }
            }
            return null;
        });
    }

    private void putMultipart(String key, long size, String contentType, long partSize, Content content) {
        try (PipedInputStream in = new PipedInputStream(1 << 20)) {
            PipedOutputStream out = new PipedOutputStream(in);
            CompletableFuture<Void> producing = CompletableFuture.runAsync(
                    () -> {
                        try (out) {
                            content.writeTo(out);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    },
                    r -> Thread.ofVirtual().name("put-" + key).start(r));
            try {
                put(key, in, size, partSize, contentType);
            } catch (RuntimeException e) {
                producing.cancel(true);
                throw e;
            }
            producing.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Object size and ETag, or empty when it does not exist. */
    public Optional<ObjectInfo> stat(String key) {
        return call("stat " + key, () -> {
            try {
                StatObjectResponse r = client.statObject(
                        StatObjectArgs.builder().bucket(bucket).object(key).build());
                return Optional.of(new ObjectInfo(key, r.size(), r.etag()));
            } catch (ErrorResponseException e) {
                if ("NoSuchKey".equals(e.errorResponse().code())
                        || "NoSuchObject".equals(e.errorResponse().code())) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /** The whole object as a stream; the caller closes it. */
    public InputStream get(String key) {
        return call(
                "get " + key,
                () -> client.getObject(
                        GetObjectArgs.builder().bucket(bucket).object(key).build()));
    }

    /**
     * Opens the object, or the {@code length} bytes from {@code offset} when {@code length >= 0}, in one request;
     * empty when it does not exist. The caller closes the stream.
     */
    public Optional<StoredObject> open(String key, long offset, long length) {
        return call("get " + key, () -> {
            GetObjectArgs.Builder args = GetObjectArgs.builder().bucket(bucket).object(key);
            if (length >= 0) {
                args.offset(offset).length(length);
            }
            try {
                io.minio.GetObjectResponse r = client.getObject(args.build());
                String len = r.headers().get("Content-Length");
                String etag = r.headers().get("ETag");
                return Optional.of(new StoredObject(r, len == null ? -1 : Long.parseLong(len), etag));
            } catch (ErrorResponseException e) {
                String code = e.errorResponse().code();
                if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /** {@code length} bytes from {@code offset}; the caller closes it. */
    public InputStream get(String key, long offset, long length) {
        return call(
                "get " + key,
                () -> client.getObject(GetObjectArgs.builder()
                        .bucket(bucket)
                        .object(key)
                        .offset(offset)
                        .length(length)
                        .build()));
    }

    public void remove(String key) {
        call("remove " + key, () -> {
            client.removeObject(
                    RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            return null;
        });
    }

    private <T> T call(String what, StorageCall<T> call) {
        try {
            return call.run();
        } catch (StorageException e) {
            throw e;
        } catch (Exception e) {
            throw new StorageException(
                    "object storage " + endpoint + " bucket " + bucket + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface StorageCall<T> {
        T run() throws Exception;
    }
}
