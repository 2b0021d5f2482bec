/** An S3-compatible HTTP server on a local directory, backed by s3proxy ({@link io.kvr.embedded.s3.EmbeddedS3}). */
package io.kvr.embedded.s3;
