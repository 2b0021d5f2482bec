package io.kvr.media.codec;

/** The configuration of a video track: what a VisualSampleEntry (ISO/IEC 14496-12 12.1.3) describes. */
public sealed interface VisualFormat extends TrackFormat permits VideoFormat, Mpeg4VisualFormat {

    /** Picture width in luma pixels. */
    int width();

    /** Picture height in luma pixels. */
    int height();
}
