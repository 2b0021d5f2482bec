package io.kvr.exporter.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvr.embedded.s3.EmbeddedS3;
import io.kvr.exporter.plan.ExportFormat;
import io.kvr.exporter.plan.ExportPlan;
import io.kvr.exporter.plan.ExportPlanner;
import io.kvr.exporter.plan.ExportRange;
import io.kvr.exporter.plan.FragmentHeaders;
import io.kvr.exporter.plan.InitSegments;
import io.kvr.exporter.plan.MediaRead;
import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.index.StreamSummary;
import io.kvr.media.cmaf.CmafWriter;
import io.kvr.media.cmaf.Track;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import io.kvr.runtime.config.S3Settings;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.runtime.stream.StreamName;
import io.kvr.schemas.Codec;
import io.kvr.schemas.SegmentRecord;
import io.kvr.schemas.SegmentTrack;
import io.kvr.testsupport.FFmpegTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The writer against a real S3 server: segment objects laid out as the segmenter stores them (a {@code moof}, then
 * an {@code mdat} of the samples), planned by the exporter's planner, written whole and by byte ranges.
 */
class ExportWriterIT {
    private static final StreamName STREAM = StreamName.parse("site/writer");
    private static final long T0 = 1_800_000_000_000L;
    private static final int FRAME = 3600; // 40 ms at 90 kHz
    private static final int FRAMES_PER_SEGMENT = 50; // 2 s, a keyframe every 25 frames
    private static final int SEGMENTS = 3;
    private static final int SAMPLE_BYTES = 1000;
    private static final int MDAT_PAYLOAD_AT = 100;
    private static final String SPS = "6742c01ed900a02ff97016a0c0c0d4a0000003002000000791e2c5c9";
    private static final String PPS = "68cb8cb2";

    @TempDir
    static Path dir;

    private static EmbeddedS3 s3;
    private static ObjectStore store;
    private static final List<SegmentRecord> records = new ArrayList<>();

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start(EmbeddedS3.Config.of(dir.resolve("s3"), "kvr", "kvr-test-secret")
                .withPort(0));
        store = new ObjectStore(S3Settings.from(Settings.of(java.util.Map.of(
                "s3.endpoint", s3.endpoint(), "s3.access.key", s3.accessKey(), "s3.secret.key", s3.secretKey()))));
        store.ensureBucket();
        HexFormat hex = HexFormat.of();
        store.put(
                "init/a",
                new CmafWriter(List.of(Track.video(
                                1,
                                VideoFormat.of(
                                        VideoCodec.H264,
                                        List.of(),
                                        List.of(hex.parseHex(SPS)),
                                        List.of(hex.parseHex(PPS))))))
                        .initSegment(),
                "video/mp4");
        Random random = new Random(42);
        for (int k = 0; k < SEGMENTS; k++) {
            long dts = (long) k * FRAMES_PER_SEGMENT * FRAME;
            byte[] object = new byte[MDAT_PAYLOAD_AT + FRAMES_PER_SEGMENT * SAMPLE_BYTES];
            random.nextBytes(object); // every byte tells where it came from
            String key = "seg/a/" + k;
            store.put(key, object, "video/iso.segment");
            SegmentTrack video = SegmentTrack.newBuilder()
                    .setTrackId(1)
                    .setCodec(Codec.H264)
                    .setTimescale(90_000)
                    .setBaseDecodeTime(dts)
                    .setDataOffset(MDAT_PAYLOAD_AT)
                    .setSampleSizes(Collections.nCopies(FRAMES_PER_SEGMENT, SAMPLE_BYTES))
                    .setSampleDurations(Collections.nCopies(FRAMES_PER_SEGMENT, FRAME))
                    .setCompositionOffsets(List.of())
                    .setSyncSamples(List.of(0, 25))
                    .build();
            long segmentStart = T0 + k * 2000L;
            records.add(SegmentRecord.newBuilder()
                    .setStreamId(STREAM.id())
                    .setIngestSessionId("a")
                    .setSequence((long) k * FRAMES_PER_SEGMENT)
                    .setStartTimeMs(segmentStart)
                    .setEndTimeMs(segmentStart + 2000)
                    .setDurationMs(2000)
                    .setMediaStartTime(dts)
                    .setMediaDuration((long) FRAMES_PER_SEGMENT * FRAME)
                    .setTimescale(90_000)
                    .setByteSize(object.length)
                    .setBucket(store.bucket())
                    .setObjectKey(key)
                    .setInitKey("init/a")
                    .setCodecs("avc1.42c01e")
                    .setMoofOffset(0)
                    .setMoofSize(MDAT_PAYLOAD_AT - 8)
                    .setMdatOffset(MDAT_PAYLOAD_AT - 8)
                    .setMdatSize(8L + (long) FRAMES_PER_SEGMENT * SAMPLE_BYTES)
                    .setTracks(List.of(video))
                    .build());
        }
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void theWholeFileIsTheHeaderThenTheSamplesReadFromStorageInFileOrder(ExportFormat format) throws IOException {
        ExportPlan plan = plan(format);
        List<Long> progress = new ArrayList<>();

        byte[] file = write(new ExportWriter(store, 2, 0), plan, 0, plan.size(), progress);

        assertThat((long) file.length).isEqualTo(plan.size());
        assertThat(file).isEqualTo(expected(plan));
        assertThat(progress)
                .as("bytes written so far, after each write")
                .isSorted()
                .last()
                .isEqualTo(plan.size());
        assertThat(topLevelBoxes(file))
                .as("the file's boxes")
                .startsWith("ftyp", "moov")
                .contains(format == ExportFormat.MP4 ? "mdat" : "moof");
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void ffprobeReadsEverySampleOfTheFile(ExportFormat format) throws IOException {
        ExportPlan plan = plan(format);
        Path out = dir.resolve("whole." + format.value());
        Files.write(out, write(new ExportWriter(store, 4, 0), plan, 0, plan.size(), new ArrayList<>()));

        FFmpegTools.Result probe = FFmpegTools.ffprobe(
                        Duration.ofSeconds(30),
                        "-v",
                        "error",
                        "-count_packets",
                        "-show_entries",
                        "stream=codec_name,nb_read_packets",
                        "-of",
                        "csv=p=0",
                        out.toString())
                .orThrow();

        assertThat(probe.stdout().trim()).isEqualTo("h264," + SEGMENTS * FRAMES_PER_SEGMENT);
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void anyByteRangeIsThatPartOfTheWholeFile(ExportFormat format) throws IOException {
        ExportPlan plan = plan(format);
        byte[] whole = expected(plan);
        int header = plan.header().length;
        long[][] ranges = {
            {0, 1},
            {0, header},
            {3, header + 10},
            {header, header + 1},
            {header - 1, plan.size()},
            {plan.size() - 1, plan.size()},
            {header + SAMPLE_BYTES * 60L + 7, header + SAMPLE_BYTES * 120L + 3},
        };
        Random random = new Random(7);
        List<long[]> all = new ArrayList<>(Arrays.asList(ranges));
        for (int i = 0; i < 20; i++) {
            long from = random.nextLong(plan.size());
            all.add(new long[] {from, from + 1 + random.nextLong(plan.size() - from)});
        }
        for (long[] r : all) {
            byte[] part = write(new ExportWriter(store, 3, 0), plan, r[0], r[1], new ArrayList<>());
            assertThat(part)
                    .as("bytes %d-%d of the %s", r[0], r[1], format)
                    .isEqualTo(Arrays.copyOfRange(whole, (int) r[0], (int) r[1]));
        }
    }

    @Test
    void aRateLimitSpreadsTheFileOverTime() throws IOException {
        ExportPlan plan = plan(ExportFormat.MP4);
        long bytesPerSecond = plan.size() * 2; // the file in about half a second
        long started = System.nanoTime();

        byte[] file = write(new ExportWriter(store, 4, bytesPerSecond), plan, 0, plan.size(), new ArrayList<>());

        assertThat(file).isEqualTo(expected(plan));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void anObjectShorterThanItsRecordFailsTheExport() {
        ExportPlan plan = plan(ExportFormat.MP4);
        MediaRead first = plan.reads().get(0);
        List<MediaRead> reads = new ArrayList<>(plan.reads());
        reads.set(0, new MediaRead("seg/missing-tail", 0, first.length(), first.fileOffset()));
        store.put("seg/missing-tail", new byte[(int) first.length() - 1], "video/iso.segment");
        ExportPlan broken = new ExportPlan(
                plan.header(),
                reads,
                plan.fragments(),
                plan.size(),
                plan.firstFrameMs(),
                plan.startMs(),
                plan.durationMs(),
                plan.segments());

        assertThatThrownBy(() -> write(new ExportWriter(store, 2, 0), broken, 0, broken.size(), new ArrayList<>()))
                .hasMessageContaining("seg/missing-tail")
                .hasMessageContaining("shorter");
    }

    private static ExportPlan plan(ExportFormat format) {
        ExportPlanner planner = new ExportPlanner(new RecordsIndex(), new InitSegments(store));
        return planner.plan(new ExportRange(STREAM, T0, T0 + SEGMENTS * 2000L, true, format));
    }

    private static byte[] write(ExportWriter writer, ExportPlan plan, long from, long to, List<Long> progress)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(plan, from, to, out, progress::add);
        return out.toByteArray();
    }

    /** The file as the plan describes it: header, then reads and fragment headers at their offsets. */
    private static byte[] expected(ExportPlan plan) {
        byte[] file = new byte[(int) plan.size()];
        System.arraycopy(plan.header(), 0, file, 0, plan.header().length);
        for (MediaRead r : plan.reads()) {
            try (var in = store.get(r.key(), r.objectOffset(), r.length())) {
                byte[] bytes = in.readAllBytes();
                System.arraycopy(bytes, 0, file, (int) r.fileOffset(), bytes.length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        FragmentHeaders fragments = plan.fragments();
        for (int i = 0; i < fragments.count(); i++) {
            System.arraycopy(fragments.bytes(i), 0, file, (int) fragments.offset(i), fragments.size(i));
        }
        return file;
    }

    /** The types of the file's top-level boxes (ISO/IEC 14496-12 §4.2: 32-bit size, then type), in order. */
    private static List<String> topLevelBoxes(byte[] file) {
        List<String> types = new ArrayList<>();
        int at = 0;
        while (at + 8 <= file.length) {
            long size = (file[at] & 0xFFL) << 24
                    | (file[at + 1] & 0xFF) << 16
                    | (file[at + 2] & 0xFF) << 8
                    | (file[at + 3] & 0xFF);
            types.add(new String(file, at + 4, 4, StandardCharsets.US_ASCII));
            assertThat(size).as("size of box %d", types.size()).isGreaterThanOrEqualTo(8);
            at += (int) size;
        }
        assertThat(at).as("the boxes end with the file").isEqualTo(file.length);
        return types;
    }

    /** The index over {@link #records}, as the indexer answers it: segments overlapping a range, oldest first. */
    private static final class RecordsIndex implements SegmentIndex {
        @Override
        public List<StreamSummary> streams() {
            SegmentRecord last = records.get(records.size() - 1);
            return List.of(new StreamSummary(
                    STREAM.id(),
                    records.get(0).getStartTimeMs(),
                    last.getEndTimeMs(),
                    records.size(),
                    last.getCodecs(),
                    640,
                    360,
                    last.getIngestSessionId()));
        }

        @Override
        public List<IndexedSegment> latest(String streamId, int limit) {
            List<IndexedSegment> all = range(streamId, Long.MIN_VALUE, Long.MAX_VALUE);
            return all.subList(Math.max(0, all.size() - limit), all.size());
        }

        @Override
        public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
            List<IndexedSegment> out = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                SegmentRecord r = records.get(i);
                if (r.getStreamId().equals(streamId) && r.getEndTimeMs() > startMs && r.getStartTimeMs() < endMs) {
                    out.add(new IndexedSegment(i, 0, r));
                }
            }
            return out;
        }
    }
}
