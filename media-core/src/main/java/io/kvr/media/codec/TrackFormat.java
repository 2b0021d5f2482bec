package io.kvr.media.codec;

/** The codec configuration of one track: what an init segment's sample entry describes. */
public sealed interface TrackFormat permits VisualFormat, AudioFormat {

    /** RFC 6381 codecs parameter for this track, e.g. {@code avc1.64001f} or {@code mp4a.40.2}. */
    String codecsString();
}
