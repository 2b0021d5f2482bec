package io.kvr.segmenter.segment;

import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Feeds records to a {@link StreamSegmenter} and collects what it closes. */
record StreamSegmenterHarness(StreamSegmenter segmenter) {

    List<ClosedSegment> feed(List<FakeCamera.Fed> records) {
        List<ClosedSegment> out = new ArrayList<>();
        for (FakeCamera.Fed f : records) {
            feed(f).ifPresent(out::add);
        }
        return out;
    }

    Optional<ClosedSegment> feed(FakeCamera.Fed f) {
        return f.value() instanceof StreamInfo info
                ? segmenter.onStreamInfo(info, f.offset())
                : segmenter.onAccessUnit((AccessUnit) f.value(), f.offset());
    }
}
