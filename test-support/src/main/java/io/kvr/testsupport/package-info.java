/**
 * Helpers for kvr integration tests: {@link io.kvr.testsupport.TestCamera} (a live RTSP camera served by
 * {@code dev/test-camera.py}), {@link io.kvr.testsupport.FFmpegTools} (the ffmpeg/ffprobe executables
 * bundled with JavaCPP's FFmpeg), {@link io.kvr.testsupport.FreePort} and {@link io.kvr.testsupport.RepoRoot}.
 * Use in test scope only.
 */
package io.kvr.testsupport;
