/** The topology and the layout of its persistent stores. */
package io.kvr.indexer.store;
