package io.kvr.runtime.config;

/** Where segments live. Reached only through the MinIO SDK, so any S3-compatible store works. */
public record S3Settings(String endpoint, String region, String bucket, String accessKey, String secretKey,
                         String prefix) {
    public static S3Settings from(Settings s) {
        String prefix = s.string("s3.prefix", "");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        return new S3Settings(
                s.required("s3.endpoint"),
                s.string("s3.region", "us-east-1"),
                s.string("s3.bucket", "kvr"),
                s.required("s3.access.key"),
                s.required("s3.secret.key"),
                prefix);
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + Secrets.redactUrl(endpoint) + ", region=" + region + ", bucket=" + bucket
                + ", prefix=" + prefix + ", accessKey=" + accessKey + ", secretKey=******]";
    }
}
