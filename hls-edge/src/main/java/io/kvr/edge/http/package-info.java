/** The edge's routes: playlists, objects, stream list, viewer page. */
package io.kvr.edge.http;
