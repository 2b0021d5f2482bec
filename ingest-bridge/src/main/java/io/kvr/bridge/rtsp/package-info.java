/**
 * Reading sources (RTSP first, any URL the bridge's URL policy allows) as compressed packets with libavformat (the FFmpeg that JavaCV
 * bundles), without decoding, and making their timestamps usable: continuous, decode order, never backwards.
 */
package io.kvr.bridge.rtsp;
