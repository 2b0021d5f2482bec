/** Retention: a periodic sweep deletes segments past their policy's retention from object storage and the index. */
package io.kvr.indexer.retention;
