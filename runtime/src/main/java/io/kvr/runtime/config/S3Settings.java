package io.kvr.runtime.config;

import java.util.Locale;

/**
 * Where segments live. Reached only through the MinIO SDK, so any S3-compatible store works.
 *
 * @param pathStyle how buckets are addressed: {@code true} path-style ({@code https://host/bucket/key}, what MinIO
 *                  and most self-hosted stores want), {@code false} virtual-host ({@code https://bucket.host/key},
 *                  what AWS S3 wants for new buckets), {@code null} the SDK's choice (virtual-host for AWS
 *                  endpoints, path-style otherwise). Key {@code s3.path.style} = {@code true|false|auto}.
 */
public record S3Settings(
        String endpoint,
        String region,
        String bucket,
        String accessKey,
        String secretKey,
        String prefix,
        Boolean pathStyle) {

    public S3Settings(
            String endpoint, String region, String bucket, String accessKey, String secretKey, String prefix) {
        this(endpoint, region, bucket, accessKey, secretKey, prefix, null);
    }

    public static S3Settings from(Settings s) {
        String prefix = s.string("s3.prefix", "");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        String style = s.string("s3.path.style", "auto").trim().toLowerCase(Locale.ROOT);
        Boolean pathStyle = switch (style) {
            case "auto" -> null;
            default -> s.bool("s3.path.style", true);
        };
        return new S3Settings(
                s.required("s3.endpoint"),
                s.string("s3.region", "us-east-1"),
                s.string("s3.bucket", "kvr"),
                s.required("s3.access.key"),
                s.required("s3.secret.key"),
                prefix,
                pathStyle);
    }

    /** Applies {@link #pathStyle()} to a MinIO client. */
    public void applyAddressing(io.minio.MinioClient client) {
        if (Boolean.TRUE.equals(pathStyle)) {
            client.disableVirtualStyleEndpoint();
        } else if (Boolean.FALSE.equals(pathStyle)) {
            client.enableVirtualStyleEndpoint();
        }
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + Secrets.redactUrl(endpoint) + ", region=" + region + ", bucket=" + bucket
                + ", prefix=" + prefix + ", pathStyle=" + (pathStyle == null ? "auto" : pathStyle)
                + ", accessKey=" + accessKey + ", secretKey=******]";
    }
}
