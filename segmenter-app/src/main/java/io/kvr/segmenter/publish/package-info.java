/** Storing closed segments in object storage and then announcing them on the segments topic. */
package io.kvr.segmenter.publish;
