/** In-process single-node Kafka (KRaft) and S3-compatible servers for the kvr launcher and tests; not for production. */
package io.kvr.embedded;
