package io.kvr.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.schemas.SegmentRecord;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredSegmentDiagnosisTest {
    @TempDir
    Path dir;

    /** ftyp, then moov/mvex with a trex per track id. */
    private static byte[] init(int... trackIds) {
        byte[][] trex = new byte[trackIds.length][];
        for (int i = 0; i < trackIds.length; i++) {
            trex[i] = box(
                    "trex",
                    ByteBuffer.allocate(24)
                            .putInt(0)
                            .putInt(trackIds[i])
                            .putInt(1)
                            .array());
        }
        return concat(box("ftyp", "cmfc".getBytes(StandardCharsets.US_ASCII)), box("moov", box("mvex", concat(trex))));
    }

    /** styp, then moof with a traf/tfhd per track id, then an mdat. */
    private static byte[] segment(int... trackIds) {
        byte[][] traf = new byte[trackIds.length][];
        for (int i = 0; i < trackIds.length; i++) {
            traf[i] = box(
                    "traf",
                    box(
                            "tfhd",
                            ByteBuffer.allocate(8)
                                    .putInt(0x020000)
                                    .putInt(trackIds[i])
                                    .array()));
        }
        return concat(
                box("styp", "cmfs".getBytes(StandardCharsets.US_ASCII)),
                box("moof", concat(traf)),
                box("mdat", new byte[10]));
    }

    @Test
    void namesTheTrackIdsOfInitAndSegment() {
        assertThat(StoredSegmentDiagnosis.trexTrackIds(init(1, 2))).containsExactly(1L, 2L);
        assertThat(StoredSegmentDiagnosis.tfhdTrackIds(segment(1, 2))).containsExactly(1L, 2L);
        assertThat(StoredSegmentDiagnosis.topLevel(segment(1))).isEqualTo("[styp:12, moof:32, mdat:18]");
    }

    @Test
    void describesEmptyAndGarbledObjectsWithoutFailing() {
        assertThat(StoredSegmentDiagnosis.trexTrackIds(new byte[0])).isEmpty();
        assertThat(StoredSegmentDiagnosis.topLevel(new byte[0])).isEqualTo("[]");
        byte[] garbled = concat(box("ftyp", new byte[4]), new byte[] {0, 0, 0, 99, 'm', 'o', 'o', 'v'});
        assertThat(StoredSegmentDiagnosis.topLevel(garbled)).isEqualTo("[ftyp:12, unparsed:8]");
        assertThat(StoredSegmentDiagnosis.trexTrackIds(garbled)).isEmpty();
    }

    @Test
    void reportsTheObjectsOnDiskAndKeepsCopies() throws Exception {
        Path bucket = dir.resolve("bucket");
        String initKey = "cam/front/init/s1-abc.mp4";
        String segmentKey = "cam/front/2026/01/01/00/s1-0000000007.m4s";
        Files.createDirectories(bucket.resolve(initKey).getParent());
        Files.createDirectories(bucket.resolve(segmentKey).getParent());
        Files.write(bucket.resolve(initKey), init(1, 2));
        Files.write(bucket.resolve(initKey + "-leftover"), new byte[3]);
        byte[] segment = segment(1, 2);
        Files.write(bucket.resolve(segmentKey), segment);
        SegmentRecord record = SegmentRecord.newBuilder()
                .setStreamId("cam/front")
                .setIngestSessionId("s1")
                .setSequence(7)
                .setStartTimeMs(0)
                .setEndTimeMs(2000)
                .setDurationMs(2000)
                .setMediaStartTime(0)
                .setMediaDuration(180_000)
                .setTimescale(90_000)
                .setByteSize(segment.length)
                .setBucket("b")
                .setObjectKey(segmentKey)
                .setInitKey(initKey)
                .setCodecs("avc1")
                .setWidth(0)
                .setHeight(0)
                .setMoofOffset(0)
                .setMoofSize(0)
                .setMdatOffset(0)
                .setMdatSize(0)
                .setTracks(List.of())
                .setSourcePartition(0)
                .setFirstOffset(10)
                .setLastOffset(20)
                .setAnnouncedAtMs(1)
                .build();
        Path keep = dir.resolve("kept");

        String report =
                new StoredSegmentDiagnosis(bucket, keep).describe(record, new byte[0], segment, List.of(record));

        assertThat(report)
                .contains("init key " + initKey)
                .contains("init as probed: 0 bytes")
                .contains("tfhd track ids [1, 2]")
                .contains("DIFFERENT bytes as probed, trex track ids [1, 2]")
                .contains("s1-abc.mp4-leftover (3 bytes")
                .contains("{" + initKey + "=1}");
        assertThat(keep.resolve("cam_front-7-init-as-probed.mp4")).isEmptyFile();
        assertThat(keep.resolve("cam_front-7-init-now.mp4")).hasBinaryContent(init(1, 2));
        assertThat(keep.resolve("cam_front-7.m4s")).hasBinaryContent(segment);
    }

    private static byte[] box(String type, byte[] body) {
        return ByteBuffer.allocate(8 + body.length)
                .putInt(8 + body.length)
                .put(type.getBytes(StandardCharsets.US_ASCII))
                .put(body)
                .array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
