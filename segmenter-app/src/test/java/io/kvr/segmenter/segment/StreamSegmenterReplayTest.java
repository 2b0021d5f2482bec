package io.kvr.segmenter.segment;

import static io.kvr.segmenter.segment.FakeCamera.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.policy.EffectivePolicy;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.StreamInfo;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A replay from a segment's first unit rebuilds it exactly: same key, same bytes, same record. */
class StreamSegmenterReplayTest {
    private static final String S1 = FakeCamera.sessionId(1);

    private static void assertSame(ClosedSegment replayed, ClosedSegment original) {
        assertThat(replayed.objectKey()).isEqualTo(original.objectKey());
        assertThat(replayed.initKey()).isEqualTo(original.initKey());
        assertThat(replayed.bytes()).isEqualTo(original.bytes());
        assertThat(replayed.init()).isEqualTo(original.init());
        assertThat(replayed.record()).isEqualTo(original.record());
        assertThat(replayed.firstOffset()).isEqualTo(original.firstOffset());
        assertThat(replayed.lastOffset()).isEqualTo(original.lastOffset());
    }

    @Test
    void replayFromASegmentsFirstUnitWithoutItsStreamInfoRebuildsItByteForByte() {
        FakeCamera camera = new FakeCamera(0).session(S1, T0).frames(0, 160);
        List<ClosedSegment> original = FakeCamera.segmenter().feed(camera.records());
        assertThat(original).hasSize(3);

        for (int i = 1; i < original.size(); i++) {
            List<ClosedSegment> replayed =
                    FakeCamera.segmenter().feed(camera.from(original.get(i).firstOffset()));

            assertThat(replayed).hasSize(original.size() - i);
            for (int j = 0; j < replayed.size(); j++) {
                assertSame(replayed.get(j), original.get(i + j));
            }
        }
    }

    @Test
    void replayFromTheResumeOffsetRebuildsTheOpenSegmentIdentically() {
        FakeCamera camera = new FakeCamera(0).session(S1, T0).frames(0, 130);
        StreamSegmenterHarness first = FakeCamera.segmenter();
        first.feed(camera.records());
        long resume = first.segmenter().resumeOffset();

        StreamSegmenterHarness replay = FakeCamera.segmenter();
        assertThat(replay.feed(camera.from(resume))).isEmpty();

        assertSame(
                replay.segmenter().flush().orElseThrow(),
                first.segmenter().flush().orElseThrow());
    }

    @Test
    void replayWithAudioFindsTheSessionThroughTheLookupAndRebuildsBothTracks() {
        FakeCamera camera =
                new FakeCamera(0).session(S1, T0, true, new byte[0], true).frames(0, 160);
        StreamInfo info = FakeCamera.streamInfo(S1, T0, new byte[0], true);
        List<ClosedSegment> original = FakeCamera.segmenter().feed(camera.records());

        StreamSegmenter fresh = new StreamSegmenter(
                StreamName.parse("live/door"), 3, "kvr", () -> new EffectivePolicy(true, 2000, 0, ""));
        List<ClosedSegment> replayed = new StreamSegmenterHarness(
                        fresh, id -> id.equals(S1) ? Optional.of(info) : Optional.empty())
                .feed(camera.from(original.get(1).firstOffset()));

        assertThat(original.get(1).record().getTracks()).hasSize(2);
        assertSame(replayed.get(0), original.get(1));
        assertSame(replayed.get(1), original.get(2));
    }
}
