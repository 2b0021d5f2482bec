/** Reading sources (RTSP first, any URL FFmpeg opens) as compressed packets through JavaCV, without decoding. */
package io.kvr.bridge.rtsp;
