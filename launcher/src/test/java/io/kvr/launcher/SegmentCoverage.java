package io.kvr.launcher;

import io.kvr.media.MediaException;
import io.kvr.media.codec.VideoCodec;
import io.kvr.mediatopic.MediaRecords;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.Codec;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.SegmentTrack;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Checks that what the bridge published to the media topic is recorded exactly once: every video access unit of
 * a session from its first keyframe, and every AAC unit after that keyframe, is one sample (same decode and
 * presentation time) of exactly one indexed segment of its session; no sample comes from nowhere; and no segment
 * overlaps another (media time within a session, wall-clock time across the stream). Units before a session's
 * first keyframe cannot be decoded and are not recorded by design.
 */
final class SegmentCoverage {
    /** Consecutive segments' wall-clock ends and starts come from different clocks; less than a frame apart. */
    private static final long WALL_CLOCK_TOLERANCE_MS = 40;

    /** One access unit as published (its first chunk when chunked): enough to find its sample. */
    record Unit(
            long offset,
            String session,
            int track,
            Codec codec,
            boolean keyframe,
            long pts,
            long dts,
            int timebaseNum,
            int timebaseDen,
            long captureMs,
            boolean picture) {
        boolean video() {
            return codec == Codec.H264 || codec == Codec.H265;
        }

        /** Timestamp in {@code timescale} units, rounded down the way the segmenter rescales. */
        long at(long ticks, long timescale) {
            return Math.floorDiv(Math.multiplyExact(ticks, timescale * timebaseNum), timebaseDen);
        }
    }

    /** The coverage of one stream: units expected and found, and what is wrong. */
    record Report(String stream, int expectedVideo, int expectedAudio, int segments, List<String> problems) {
        @Override
        public String toString() {
            return stream + ": " + segments + " segments, " + expectedVideo + " video and " + expectedAudio
                    + " audio units expected, " + problems.size() + " problem(s)"
                    + (problems.isEmpty()
                            ? ""
                            : ":\n  " + String.join("\n  ", problems.subList(0, Math.min(30, problems.size()))));
        }
    }

    private SegmentCoverage() {}

    /** Every access unit on the media topic now, per stream in partition order. */
    static Map<String, List<Unit>> published(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024 + 65536);
        MediaRecords records = new MediaRecords();
        Map<String, List<Unit>> out = new LinkedHashMap<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> end = consumer.endOffsets(all);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (all.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("media topic not read to its end within 60 s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (records.decode(r.headers(), r.value()) instanceof AccessUnit u && u.getChunkIndex() == 0) {
                        out.computeIfAbsent(r.key(), k -> new ArrayList<>())
                                .add(new Unit(
                                        r.offset(),
                                        u.getIngestSessionId(),
                                        u.getTrack(),
                                        u.getCodec(),
                                        u.getKeyframe(),
                                        u.getPts(),
                                        u.getDts(),
                                        u.getTimebaseNum(),
                                        u.getTimebaseDen(),
                                        u.getCaptureTimeMs(),
                                        hasPicture(u)));
                    }
                }
            }
        }
        return out;
    }

    /** Checks one stream's published units against its indexed segments (any order). */
    static Report check(String stream, List<Unit> units, List<SegmentRecord> segments) {
        List<String> problems = new ArrayList<>();
        List<SegmentRecord> sorted = new ArrayList<>(segments);
        sorted.sort(Comparator.comparingLong(SegmentRecord::getStartTimeMs)
                .thenComparingLong(SegmentRecord::getMediaStartTime));
        overlaps(sorted, problems);

        // samples per session and track kind: decode time -> presentation times (one per segment holding it)
        Map<String, Map<Long, List<Long>>> videoSamples = new HashMap<>();
        Map<String, Map<Long, List<Long>>> audioSamples = new HashMap<>();
        Map<String, Long> audioTimescale = new HashMap<>();
        for (SegmentRecord s : sorted) {
            for (SegmentTrack t : s.getTracks()) {
                boolean video = t.getCodec() == Codec.H264 || t.getCodec() == Codec.H265;
                Map<Long, List<Long>> into = (video ? videoSamples : audioSamples)
                        .computeIfAbsent(s.getIngestSessionId(), k -> new HashMap<>());
                if (!video) {
                    audioTimescale.put(s.getIngestSessionId(), (long) t.getTimescale());
                }
                long dts = t.getBaseDecodeTime();
                for (int i = 0; i < t.getSampleDurations().size(); i++) {
                    long cts = t.getCompositionOffsets().isEmpty()
                            ? 0
                            : t.getCompositionOffsets().get(i);
                    into.computeIfAbsent(dts, k -> new ArrayList<>()).add(dts + cts);
                    dts += t.getSampleDurations().get(i);
                }
            }
        }

        int expectedVideo = 0;
        int expectedAudio = 0;
        Map<String, List<Unit>> bySession = new LinkedHashMap<>();
        units.forEach(u ->
                bySession.computeIfAbsent(u.session(), k -> new ArrayList<>()).add(u));
        for (var session : bySession.entrySet()) {
            String id = session.getKey();
            Map<Long, List<Long>> video = videoSamples.getOrDefault(id, Map.of());
            Map<Long, List<Long>> audio = audioSamples.getOrDefault(id, Map.of());
            int videoTrack = -1;
            long lastVideo = Long.MIN_VALUE;
            long lastAudio = Long.MIN_VALUE;
            boolean started = false;
            Map<Long, Boolean> seenVideo = new HashMap<>();
            Map<Long, Boolean> seenAudio = new HashMap<>();
            for (Unit u : session.getValue()) {
                if (u.video() && videoTrack < 0 && u.keyframe()) {
                    videoTrack = u.track();
                    started = true;
                }
                if (!started) {
                    continue;
                }
                if (u.video() && u.track() == videoTrack && !u.picture()) {
                    continue; // no picture data (e.g. a delimiter cut off when the camera stopped): no sample by design
                }
                if (u.video() && u.track() == videoTrack) {
                    long dts = u.at(u.dts(), 90_000);
                    if (dts <= lastVideo) {
                        continue; // running backwards: dropped by design
                    }
                    lastVideo = dts;
                    expectedVideo++;
                    seenVideo.put(dts, true);
                    expectOnce(problems, "video", id, u, dts, u.at(u.pts(), 90_000), video.get(dts));
                } else if (u.codec() == Codec.AAC && audioTimescale.containsKey(id)) {
                    long timescale = audioTimescale.get(id);
                    long dts = u.at(u.dts(), timescale);
                    if (dts <= lastAudio) {
                        continue;
                    }
                    lastAudio = dts;
                    expectedAudio++;
                    seenAudio.put(dts, true);
                    expectOnce(problems, "audio", id, u, dts, dts, audio.get(dts));
                }
            }
            video.keySet().stream()
                    .filter(dts -> !seenVideo.containsKey(dts))
                    .sorted()
                    .limit(5)
                    .forEach(dts ->
                            problems.add("session " + id + ": video sample at dts " + dts + " is no published unit"));
            audio.keySet().stream()
                    .filter(dts -> !seenAudio.containsKey(dts))
                    .sorted()
                    .limit(5)
                    .forEach(dts ->
                            problems.add("session " + id + ": audio sample at dts " + dts + " is no published unit"));
        }
        for (String session : videoSamples.keySet()) {
            if (!bySession.containsKey(session)) {
                problems.add("segments of session " + session + " that published no unit");
            }
        }
        return new Report(stream, expectedVideo, expectedAudio, segments.size(), problems);
    }

    private static void expectOnce(
            List<String> problems, String kind, String session, Unit u, long dts, long pts, List<Long> found) {
        if (found == null || found.isEmpty()) {
            problems.add("session " + session + ": " + kind + " unit at offset " + u.offset() + " (dts " + dts
                    + ", captured " + u.captureMs() + ") is in no segment");
        } else if (found.size() > 1) {
            problems.add("session " + session + ": " + kind + " unit at offset " + u.offset() + " (dts " + dts
                    + ") is in " + found.size() + " segments");
        } else if (found.get(0) != pts) {
            problems.add("session " + session + ": " + kind + " unit at offset " + u.offset() + " has pts " + pts
                    + " but its sample " + found.get(0));
        }
    }

    /** Within a session media times must not overlap; across the stream wall-clock times must not. */
    private static void overlaps(List<SegmentRecord> sorted, List<String> problems) {
        Map<String, SegmentRecord> lastOfSession = new HashMap<>();
        SegmentRecord previous = null;
        for (SegmentRecord s : sorted) {
            SegmentRecord before = lastOfSession.get(s.getIngestSessionId());
            if (before != null && s.getMediaStartTime() < before.getMediaStartTime() + before.getMediaDuration()) {
                problems.add(s.getObjectKey() + " overlaps " + before.getObjectKey() + " in media time ("
                        + s.getMediaStartTime() + " < " + (before.getMediaStartTime() + before.getMediaDuration())
                        + ")");
            }
            lastOfSession.put(s.getIngestSessionId(), s);
            if (previous != null && s.getStartTimeMs() < previous.getEndTimeMs() - WALL_CLOCK_TOLERANCE_MS) {
                problems.add(s.getObjectKey() + " starts at " + s.getStartTimeMs() + ", before "
                        + previous.getObjectKey() + " ends at " + previous.getEndTimeMs());
            }
            previous = s;
        }
    }

    /**
     * Whether a published unit carries picture data, as the segmenter judges it: a VCL NAL unit in H.264/H.265 (a
     * unit of only a delimiter or parameter sets becomes no sample). A unit sent in chunks, or that does not parse,
     * counts as a picture.
     */
    private static boolean hasPicture(AccessUnit u) {
        if (u.getCodec() != Codec.H264 && u.getCodec() != Codec.H265 || u.getChunkCount() > 1) {
            return true;
        }
        VideoCodec codec = u.getCodec() == Codec.H264 ? VideoCodec.H264 : VideoCodec.H265;
        ByteBuffer payload = u.getPayload().duplicate();
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        try {
            return codec.hasPicture(bytes);
        } catch (MediaException e) {
            return true;
        }
    }
}
