/** kvr's own RTSP server: devices and encoders push media with ANNOUNCE/RECORD over interleaved TCP. */
package io.kvr.bridge.rtspserver;
