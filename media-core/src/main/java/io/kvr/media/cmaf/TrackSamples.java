package io.kvr.media.cmaf;

import java.util.List;

/**
 * The samples of one track in one fragment, in decode order and contiguous: each sample's decode time is the
 * previous one's plus its duration. The first sample's decode time becomes the tfdt baseMediaDecodeTime.
 */
public record TrackSamples(int trackId, List<Sample> samples) {

    public TrackSamples {
        samples = List.copyOf(samples);
    }
}
