package io.kvr.segmenter.segment;

import static io.kvr.segmenter.segment.FakeCamera.FRAME_TICKS;
import static io.kvr.segmenter.segment.FakeCamera.PPS;
import static io.kvr.segmenter.segment.FakeCamera.SPS;
import static io.kvr.segmenter.segment.FakeCamera.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.codec.h264.AvcDecoderConfigurationRecord;
import io.kvr.schemas.AccessUnit;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamSegmenterSessionTest {
    private static final String S1 = FakeCamera.sessionId(1);
    private static final String S2 = FakeCamera.sessionId(2);
    private static final long T1 = T0 + 60_000;

    @Test
    void newStreamInfoClosesTheOpenSegmentOfTheEarlierSession() {
        FakeCamera camera = new FakeCamera(0).session(S1, T0).frames(0, 31);
        StreamSegmenterHarness harness = FakeCamera.segmenter();
        assertThat(harness.feed(camera.records())).isEmpty();

        List<FakeCamera.Fed> next =
                new FakeCamera(32).session(S2, T1).frames(0, 51).records();
        Optional<ClosedSegment> atInfo = harness.feed(next.get(0));
        List<ClosedSegment> later = harness.feed(next.subList(1, next.size()));

        assertThat(atInfo).get().satisfies(c -> {
            assertThat(c.record().getIngestSessionId()).isEqualTo(S1);
            assertThat(c.record().getTracks().get(0).getSampleDurations()).hasSize(31);
            assertThat(c.record().getDurationMs()).isEqualTo(31 * 40);
            assertThat(c.record().getLastOffset()).isEqualTo(31);
        });
        assertThat(later).singleElement().satisfies(c -> {
            assertThat(c.record().getIngestSessionId()).isEqualTo(S2);
            assertThat(c.record().getSequence()).isZero();
            assertThat(c.record().getStartTimeMs()).isEqualTo(T1);
            assertThat(c.objectKey()).isEqualTo("live/door/2023/11/14/22/" + S2 + "-0000000000.m4s");
            assertThat(c.initKey()).startsWith("live/door/init/" + S2 + "-");
            assertThat(c.record().getFirstOffset()).isEqualTo(33);
        });
        assertThat(later.get(0).init()).isEqualTo(atInfo.get().init()); // same configuration, same init bytes
    }

    @Test
    void unitOfAnotherSessionClosesTheOpenSegmentEvenWithoutAnnouncement() {
        List<FakeCamera.Fed> first =
                new FakeCamera(0).session(S1, T0).frames(0, 31).records();
        List<FakeCamera.Fed> second = new FakeCamera(32)
                .session(S2, T1, false, new byte[0], false)
                .frames(10, 80)
                .records();
        StreamSegmenterHarness harness = FakeCamera.segmenter();
        harness.feed(first);

        Optional<ClosedSegment> atFirstUnit = harness.feed(second.get(0)); // not a keyframe: dropped, but still closes
        List<ClosedSegment> later = harness.feed(second.subList(1, second.size()));

        assertThat(atFirstUnit)
                .get()
                .satisfies(c -> assertThat(c.record().getIngestSessionId()).isEqualTo(S1));
        assertThat(later).singleElement().satisfies(c -> {
            assertThat(c.record().getIngestSessionId()).isEqualTo(S2);
            assertThat(c.record().getMediaStartTime()).isEqualTo(25L * FRAME_TICKS);
        });
        assertThat(harness.segmenter().dropped()).isEqualTo(15);
    }

    @Test
    void segmentNeverSpansSessionsEvenWhenTimestampsContinue() {
        StreamSegmenterHarness harness = FakeCamera.segmenter();
        FakeCamera camera = new FakeCamera(0);
        camera.session(S1, T0).frames(0, 40).session(S2, T0 + 1600).frames(40, 140);

        List<ClosedSegment> closed = harness.feed(camera.records());

        assertThat(closed).extracting(c -> c.record().getIngestSessionId()).containsExactly(S1, S2);
        // S1 ends after frame 39; S2 drops 40..49 and starts at its first keyframe, frame 50, cut 2 s later at 100
        assertThat(closed)
                .extracting(
                        c -> c.record().getTracks().get(0).getSampleDurations().size())
                .containsExactly(40, 50);
        assertThat(closed.get(1).record().getMediaStartTime()).isEqualTo(50L * FRAME_TICKS);
        assertThat(harness.segmenter().dropped()).isEqualTo(10);
    }

    @Test
    void repeatedStreamInfoOfTheSameSessionKeepsTheOpenSegment() {
        StreamSegmenterHarness harness = FakeCamera.segmenter();
        harness.feed(new FakeCamera(0).session(S1, T0).frames(0, 30).records());

        assertThat(harness.segmenter().onStreamInfo(FakeCamera.streamInfo(S1, T0, new byte[0], false), 31))
                .isEmpty();
        assertThat(harness.segmenter().hasOpenSegment()).isTrue();
        assertThat(harness.segmenter().resumeOffset()).isEqualTo(1);
    }

    @Test
    void outOfBandParameterSetsAsAnnexBOrAvcCAreUsedWhenKeyframesCarryNone() {
        ByteArrayOutputStream annexB = new ByteArrayOutputStream();
        annexB.writeBytes(new byte[] {0, 0, 0, 1});
        annexB.writeBytes(SPS);
        annexB.writeBytes(new byte[] {0, 0, 0, 1});
        annexB.writeBytes(PPS);
        byte[] avcC =
                AvcDecoderConfigurationRecord.of(List.of(SPS), List.of(PPS)).toBytes();

        for (byte[] extradata : List.of(annexB.toByteArray(), avcC)) {
            FakeCamera camera =
                    new FakeCamera(0).session(S1, T0, true, extradata, false).frames(0, 51);
            StreamSegmenterHarness harness = FakeCamera.segmenter();

            List<ClosedSegment> closed = harness.feed(camera.records());

            assertThat(closed).singleElement().satisfies(c -> {
                assertThat(c.record().getCodecs()).isEqualTo("avc1.42c01e");
                assertThat(c.record().getWidth()).isEqualTo(640);
                assertThat(c.record().getTracks().get(0).getSampleSizes().get(0))
                        .isEqualTo(4 + 40); // IDR slice only
            });
            assertThat(harness.segmenter().dropped()).isZero();
        }
    }

    @Test
    void inBandAndOutOfBandConfigurationOfTheSameStreamGiveTheSameInitSegment() {
        byte[] avcC =
                AvcDecoderConfigurationRecord.of(List.of(SPS), List.of(PPS)).toBytes();

        ClosedSegment inBand = FakeCamera.segmenter()
                .feed(new FakeCamera(0).session(S1, T0).frames(0, 51).records())
                .get(0);
        ClosedSegment outOfBand = FakeCamera.segmenter()
                .feed(new FakeCamera(0)
                        .session(S1, T0, true, avcC, false)
                        .frames(0, 51)
                        .records())
                .get(0);

        assertThat(outOfBand.init()).isEqualTo(inBand.init());
        assertThat(outOfBand.initKey()).isEqualTo(inBand.initKey());
    }

    @Test
    void withoutParameterSetsInBandOrOutOfBandNothingIsRecorded() {
        FakeCamera camera =
                new FakeCamera(0).session(S1, T0).withoutInBandParameterSets().frames(0, 60);
        StreamSegmenterHarness harness = FakeCamera.segmenter();

        List<ClosedSegment> closed = harness.feed(camera.records());

        assertThat(closed).isEmpty();
        assertThat(harness.segmenter().hasOpenSegment()).isFalse();
        assertThat(harness.segmenter().dropped()).isEqualTo(60);
    }

    @Test
    void unitsOfUnsupportedTracksAreDropped() {
        StreamSegmenterHarness harness = FakeCamera.segmenter();
        harness.feed(new FakeCamera(0).session(S1, T0).frames(0, 5).records());
        AccessUnit audioWithoutTrack = AccessUnit.newBuilder()
                .setStreamId("live/door")
                .setIngestSessionId(S1)
                .setTrack(1)
                .setCodec(io.kvr.schemas.Codec.PCM_MULAW)
                .setKeyframe(true)
                .setPts(0)
                .setDts(0)
                .setTimebaseNum(1)
                .setTimebaseDen(8000)
                .setCaptureTimeMs(T0)
                .setArrivalTimeMs(T0)
                .setSequence(99)
                .setPayload(java.nio.ByteBuffer.wrap(new byte[] {1, 2}))
                .build();

        assertThat(harness.segmenter().onAccessUnit(audioWithoutTrack, 6)).isEmpty();

        assertThat(harness.segmenter().dropped()).isEqualTo(1);
        assertThat(harness.segmenter().flush().orElseThrow().record().getTracks())
                .hasSize(1);
    }
}
