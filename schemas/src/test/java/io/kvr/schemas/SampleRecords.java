package io.kvr.schemas;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Fully populated records of the topic contracts, every field set, for the codec and assembly tests of the modules
 * that read and write them (shared as this module's test jar).
 */
public final class SampleRecords {
    private SampleRecords() {}

    public static AccessUnit accessUnit() {
        return AccessUnit.newBuilder()
                .setStreamId("live/door")
                .setIngestSessionId("s1")
                .setTrack(0)
                .setCodec(Codec.H264)
                .setKeyframe(true)
                .setPts(7200)
                .setDts(3600)
                .setTimebaseNum(1)
                .setTimebaseDen(90_000)
                .setCaptureTimeMs(1_700_000_000_000L)
                .setArrivalTimeMs(1_700_000_000_005L)
                .setSequence(17)
                .setPayload(ByteBuffer.wrap(new byte[] {0, 0, 0, 1, 0x65, 1, 2, 3}))
                .build();
    }

    public static StreamInfo streamInfo() {
        return StreamInfo.newBuilder()
                .setStreamId("live/door")
                .setIngestSessionId("s1")
                .setStartedAtMs(1_700_000_000_000L)
                .setSourceUrl("rtsp://***@10.0.0.5/stream1")
                .setTracks(List.of(
                        TrackInfo.newBuilder()
                                .setTrack(0)
                                .setCodec(Codec.H264)
                                .setTimebaseNum(1)
                                .setTimebaseDen(90_000)
                                .setWidth(640)
                                .setHeight(360)
                                .setExtradata(ByteBuffer.wrap(new byte[] {1, 2}))
                                .build(),
                        TrackInfo.newBuilder()
                                .setTrack(1)
                                .setCodec(Codec.AAC)
                                .setTimebaseNum(1)
                                .setTimebaseDen(48_000)
                                .setSampleRate(48_000)
                                .setChannels(1)
                                .setExtradata(ByteBuffer.wrap(new byte[] {0x11, (byte) 0x90}))
                                .build()))
                .build();
    }

    public static SegmentRecord segment(String streamId, long startMs, long sequence) {
        return SegmentRecord.newBuilder()
                .setStreamId(streamId)
                .setIngestSessionId("s1")
                .setSequence(sequence)
                .setStartTimeMs(startMs)
                .setEndTimeMs(startMs + 2000)
                .setDurationMs(2000)
                .setMediaStartTime(90_000)
                .setMediaDuration(180_000)
                .setTimescale(90_000)
                .setByteSize(12_345)
                .setBucket("kvr")
                .setObjectKey(streamId + "/2023/11/14/22/s1-" + sequence + ".m4s")
                .setInitKey(streamId + "/init/s1-00.mp4")
                .setCodecs("avc1.42c01e")
                .setWidth(640)
                .setHeight(360)
                .setMoofOffset(24)
                .setMoofSize(500)
                .setMdatOffset(524)
                .setMdatSize(11_821)
                .setTracks(List.of(SegmentTrack.newBuilder()
                        .setTrackId(1)
                        .setCodec(Codec.H264)
                        .setTimescale(90_000)
                        .setBaseDecodeTime(90_000)
                        .setDataOffset(532)
                        .setSampleSizes(List.of(100, 200))
                        .setSampleDurations(List.of(3600, 3600))
                        .setCompositionOffsets(List.of(0, -3600))
                        .setSyncSamples(List.of(0))
                        .build()))
                .setSourcePartition(3)
                .setFirstOffset(1000)
                .setLastOffset(1049)
                .setAnnouncedAtMs(0)
                .build();
    }
}
