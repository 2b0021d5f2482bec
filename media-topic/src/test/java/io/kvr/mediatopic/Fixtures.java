package io.kvr.mediatopic;

import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.StreamInfo;
import io.kvr.schemas.TrackInfo;
import java.nio.ByteBuffer;
import java.util.List;

/** Fully populated media topic records for codec and assembly tests. */
final class Fixtures {
    private Fixtures() {}

    static AccessUnit accessUnit() {
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

    static StreamInfo streamInfo() {
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
}
