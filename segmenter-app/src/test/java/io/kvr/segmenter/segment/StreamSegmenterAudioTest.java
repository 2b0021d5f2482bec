package io.kvr.segmenter.segment;

import static io.kvr.segmenter.segment.FakeCamera.AAC_FRAME;
import static io.kvr.segmenter.segment.FakeCamera.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.SegmentTrack;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamSegmenterAudioTest {
    private static final String S1 = FakeCamera.sessionId(1);

    @Test
    void aacOfTheAnnouncedSessionIsASecondTrackOfTheSegment() {
        FakeCamera camera =
                new FakeCamera(0).session(S1, T0, true, new byte[0], true).frames(0, 101);

        List<ClosedSegment> closed = FakeCamera.segmenter().feed(camera.records());

        assertThat(closed).hasSize(2);
        assertThat(closed.get(0).record().getCodecs()).isEqualTo("avc1.42c01e,mp4a.40.2");
        // audio frames are fed after the video frame they end in: 94 of them (k * 1024 < 50 * 1920) before the cut
        SegmentTrack audio0 = closed.get(0).record().getTracks().get(1);
        assertThat(audio0.getTrackId()).isEqualTo(2);
        assertThat(audio0.getCodec()).isEqualTo(Codec.AAC);
        assertThat(audio0.getTimescale()).isEqualTo(48_000);
        assertThat(audio0.getBaseDecodeTime()).isZero();
        assertThat(audio0.getSampleDurations()).isEqualTo(Collections.nCopies(94, AAC_FRAME));
        assertThat(audio0.getSyncSamples()).hasSize(94);
        assertThat(audio0.getSampleSizes().subList(0, 5)).containsExactly(6, 7, 8, 9, 10);
        SegmentTrack audio1 = closed.get(1).record().getTracks().get(1);
        assertThat(audio1.getBaseDecodeTime()).isEqualTo(94L * AAC_FRAME);
        assertThat(audio1.getSampleDurations()).hasSize(94);
        assertThat(closed.get(0).record().getTracks().get(0).getSampleDurations())
                .hasSize(50);
        // the last unit of the first segment is the audio frame that followed video frame 49
        assertThat(closed.get(0).record().getLastOffset())
                .isEqualTo(camera.records().stream()
                        .filter(f ->
                                f.value() instanceof AccessUnit u && u.getTrack() == 1 && u.getDts() == 93L * AAC_FRAME)
                        .findFirst()
                        .orElseThrow()
                        .offset());
    }

    @Test
    void audioIsIgnoredWhenTheSessionAnnouncedNone() {
        FakeCamera withAudio =
                new FakeCamera(0).session(S1, T0, false, new byte[0], true).frames(0, 51);
        StreamSegmenterHarness harness = FakeCamera.segmenter();

        List<ClosedSegment> closed = harness.feed(withAudio.records());

        assertThat(closed).singleElement().satisfies(c -> {
            assertThat(c.record().getTracks()).hasSize(1);
            assertThat(c.record().getCodecs()).isEqualTo("avc1.42c01e");
        });
        assertThat(harness.segmenter().dropped()).isEqualTo(withAudio.records().size() - 51);
    }

    @Test
    void audioBeforeTheFirstVideoKeyframeAndAudioRunningBackwardsAreDropped() {
        StreamSegmenterHarness harness = FakeCamera.segmenter();
        harness.feed(List.of(new FakeCamera.Fed(FakeCamera.streamInfo(S1, T0, new byte[0], true), 0)));
        assertThat(harness.segmenter().onAccessUnit(aac(0, 1), 1)).isEmpty();
        harness.feed(new FakeCamera(2)
                .session(S1, T0, false, new byte[0], false)
                .frames(0, 3)
                .records());
        harness.segmenter().onAccessUnit(aac(2048, 5), 5);
        harness.segmenter().onAccessUnit(aac(1024, 6), 6);
        harness.segmenter().onAccessUnit(aac(2048, 7), 7);
        harness.segmenter().onAccessUnit(aac(3072, 8), 8);

        SegmentTrack audio =
                harness.segmenter().flush().orElseThrow().record().getTracks().get(1);

        assertThat(harness.segmenter().dropped()).isEqualTo(3);
        assertThat(audio.getBaseDecodeTime()).isEqualTo(2048);
        assertThat(audio.getSampleDurations()).containsExactly(1024, 1024);
    }

    private static AccessUnit aac(long dts, long sequence) {
        return AccessUnit.newBuilder()
                .setStreamId("live/door")
                .setIngestSessionId(S1)
                .setTrack(1)
                .setCodec(Codec.AAC)
                .setKeyframe(true)
                .setPts(dts)
                .setDts(dts)
                .setTimebaseNum(1)
                .setTimebaseDen(48_000)
                .setCaptureTimeMs(T0)
                .setArrivalTimeMs(T0)
                .setSequence(sequence)
                .setPayload(ByteBuffer.wrap(new byte[] {0x21, 0x10, 0x05}))
                .build();
    }
}
