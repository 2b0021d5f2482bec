/** Round trips through real encoders and independent readers: bundled FFmpeg clips in, isoparser and ffprobe out. */
package io.kvr.media.roundtrip;
