/** Audio the bridge adds to a stream: AAC transcoded from codecs that players cannot play (G.711, Opus). */
package io.kvr.bridge.audio;
