package io.kvr.edge.access;

import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.index.StreamSummary;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.schemas.SegmentRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Streams {@code live/cam} and {@code live/other}, each 10 two-second segments from {@link #T0} (UTC hour
 * 2023-11-14 22), whose init and media objects really are in object storage (distinct random bytes), and an
 * index over them.
 */
final class RecordedStreams implements SegmentIndex {
    static final long T0 = 1_700_000_000_000L;
    static final List<String> STREAMS = List.of("live/cam", "live/other");

    private final Map<String, List<IndexedSegment>> segments = new LinkedHashMap<>();
    private final Map<String, byte[]> objects = new LinkedHashMap<>();

    RecordedStreams(ObjectStore store) {
        Random random = new Random(42);
        for (String stream : STREAMS) {
            List<IndexedSegment> list = new ArrayList<>();
            String init = stream + "/init/s-abc.mp4";
            put(store, init, random, 700);
            for (int i = 0; i < 10; i++) {
                long start = T0 + i * 2000L;
                String key = stream + "/2023/11/14/22/s-" + String.format("%010d", i * 50) + ".m4s";
                put(store, key, random, 20_000 + i * 1000);
                list.add(new IndexedSegment(
                        i,
                        0,
                        SegmentRecord.newBuilder()
                                .setStreamId(stream)
                                .setIngestSessionId("s")
                                .setSequence(i * 50L)
                                .setStartTimeMs(start)
                                .setEndTimeMs(start + 2000)
                                .setDurationMs(2000)
                                .setMediaStartTime(0)
                                .setMediaDuration(180000)
                                .setTimescale(90000)
                                .setByteSize(objects.get(key).length)
                                .setBucket("kvr")
                                .setObjectKey(key)
                                .setInitKey(init)
                                .setCodecs("avc1.42c01e")
                                .setWidth(640)
                                .setHeight(360)
                                .setMoofOffset(0)
                                .setMoofSize(0)
                                .setMdatOffset(0)
                                .setMdatSize(0)
                                .build()));
            }
            segments.put(stream, list);
        }
    }

    private void put(ObjectStore store, String key, Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        store.put(key, bytes, key.endsWith(".m4s") ? "video/iso.segment" : "video/mp4");
        objects.put(key, bytes);
    }

    /** The bytes stored under {@code key}. */
    byte[] object(String key) {
        return objects.get(key);
    }

    @Override
    public List<StreamSummary> streams() {
        return STREAMS.stream()
                .map(s -> new StreamSummary(s, T0, T0 + 20_000, 10, "avc1.42c01e", 640, 360, "s"))
                .toList();
    }

    @Override
    public List<IndexedSegment> latest(String streamId, int limit) {
        List<IndexedSegment> list = segments.getOrDefault(streamId, List.of());
        return list.subList(Math.max(0, list.size() - limit), list.size());
    }

    @Override
    public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
        return segments.getOrDefault(streamId, List.of()).stream()
                .filter(s -> s.segment().getEndTimeMs() > startMs && s.segment().getStartTimeMs() < endMs)
                .toList();
    }
}
