/**
 * Whole-file MP4 (ISO/IEC 14496-12) built from sample tables: {@link io.kvr.media.mp4.InitSegment} reads the codec
 * configuration out of a CMAF init segment, {@link io.kvr.media.mp4.SampleTable} holds one track's samples and
 * chunks in primitive arrays, {@link io.kvr.media.mp4.ProgressiveMp4} writes {@code ftyp} + {@code moov} +
 * the {@code mdat} header before any media byte is known, so the media can be streamed after it;
 * {@link io.kvr.media.mp4.FragmentedMp4} lays the same tables out as {@code moov} + {@code moof}/{@code mdat} pairs.
 * Both compose their boxes from {@link io.kvr.media.bmff}.
 */
package io.kvr.media.mp4;
