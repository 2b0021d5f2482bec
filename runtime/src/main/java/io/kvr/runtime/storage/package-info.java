/** Object storage through the MinIO SDK: the only way kvr code touches S3. */
package io.kvr.runtime.storage;
