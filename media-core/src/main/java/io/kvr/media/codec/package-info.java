/**
 * Codec configuration of kvr tracks: NAL unit byte streams (ITU-T H.264 / H.265 Annex B) and their conversion to
 * the length-prefixed form of ISO/IEC 14496-15, and the {@link io.kvr.media.codec.VideoFormat} (H.264/H.265),
 * {@link io.kvr.media.codec.Mpeg4VisualFormat} (MPEG-4 Part 2) and {@link io.kvr.media.codec.AudioFormat} records
 * with their RFC 6381 codecs strings.
 */
package io.kvr.media.codec;
