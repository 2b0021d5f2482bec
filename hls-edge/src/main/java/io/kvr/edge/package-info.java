/** The HTTP edge: HLS playlists from the index, segment bytes from object storage, the viewer page. */
package io.kvr.edge;
