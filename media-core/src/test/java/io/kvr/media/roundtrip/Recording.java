package io.kvr.media.roundtrip;

import io.kvr.media.cmaf.MediaSegment;
import io.kvr.media.cmaf.TrackSamples;
import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.VideoFormat;
import java.io.ByteArrayOutputStream;
import java.util.List;

/** What {@link ClipSegmenter} wrote: the init segment, the media segments and the samples each was made of. */
record Recording(
        VideoFormat videoFormat,
        AudioFormat audioFormat,
        byte[] init,
        List<MediaSegment> segments,
        List<List<TrackSamples>> inputs) {

    static final int VIDEO_TRACK = 1;
    static final int AUDIO_TRACK = 2;

    /** Init segment followed by every media segment: a playable fragmented MP4 file. */
    byte[] concatenated() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(init);
        segments.forEach(s -> out.writeBytes(s.bytes()));
        return out.toByteArray();
    }

    long sampleCount(int trackId) {
        return inputs.stream()
                .flatMap(List::stream)
                .filter(t -> t.trackId() == trackId)
                .mapToLong(t -> t.samples().size())
                .sum();
    }
}
