package io.kvr.runtime.storage;

import io.kvr.runtime.config.S3Settings;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.http.Method;
import java.time.Duration;

/**
 * Presigned GET URLs (SigV4 query signatures) of objects, for sending clients straight to object storage or a
 * CDN in front of it. The signature covers the host, so URLs are signed for the endpoint clients reach
 * ({@code publicEndpoint}), which may differ from the one the servers use. Signing is local: no request is made.
 */
public final class PresignedUrls {
    private final MinioClient client;
    private final String bucket;

    public PresignedUrls(S3Settings settings, String publicEndpoint) {
        this.client = MinioClient.builder()
                .endpoint(publicEndpoint)
                // a fixed region keeps the SDK from asking the (maybe unreachable) public endpoint for it
                .region(settings.region())
                .credentials(settings.accessKey(), settings.secretKey())
                .build();
        settings.applyAddressing(client);
        this.bucket = settings.bucket();
    }

    /** A URL that GETs {@code key} until {@code expiry} from now (1 s to 7 days). */
    public String get(String key, Duration expiry) {
        try {
            return client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.GET)
                    .bucket(bucket)
                    .object(key)
                    .expiry((int) expiry.toSeconds())
                    .build());
        } catch (Exception e) {
            throw new StorageException("cannot presign " + key + ": " + e.getMessage(), e);
        }
    }
}
