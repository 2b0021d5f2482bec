/** Interactive queries over the local stores. */
package io.kvr.indexer.query;
