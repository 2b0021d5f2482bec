/** Uploading init and media segments with retries. */
package io.kvr.segmenter.storage;
