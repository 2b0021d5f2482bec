package io.kvr.segmenter.segment;

import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Feeds records to a {@link StreamSegmenter} and collects what it closes; like the consumer loop, it looks up the
 * StreamInfo of a session the segmenter meets without its announcement ({@code sessions}).
 */
record StreamSegmenterHarness(StreamSegmenter segmenter, Function<String, Optional<StreamInfo>> sessions) {

    StreamSegmenterHarness(StreamSegmenter segmenter) {
        this(segmenter, id -> Optional.empty());
    }

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
                : onAccessUnit((AccessUnit) f.value(), f.offset());
    }

    private Optional<ClosedSegment> onAccessUnit(AccessUnit unit, long offset) {
        Optional<StreamInfo> info =
                segmenter.startsSession(unit) ? sessions.apply(unit.getIngestSessionId()) : Optional.empty();
        return segmenter.onAccessUnit(unit, offset, info);
    }
}
