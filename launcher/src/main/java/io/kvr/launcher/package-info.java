/** The one-process launcher: embedded Kafka and S3, then every kvr app wired together in one JVM. */
package io.kvr.launcher;
