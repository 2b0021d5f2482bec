/** HLS playlists (RFC 8216bis) built from indexed segments. */
package io.kvr.edge.hls;
