package io.kvr.launcher;

import io.kvr.schemas.SegmentRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a stored segment that ffprobe rejects looked like on disk, so one failed run names the cause: the record's
 * init key, the init object's size, age and first bytes, the track ids its {@code trex} boxes declare against the
 * ones the segment's {@code tfhd} boxes use, what else lies in the init directory (other configurations, leftovers
 * of interrupted uploads), which init keys the stream's other records name, and the files themselves, copied to
 * {@code keepDir}. Reads the bytes it is given leniently: the point is to describe broken objects.
 */
final class StoredSegmentDiagnosis {
    private static final int HEAD_BYTES = 32;

    private final Path bucketDir;
    private final Path keepDir;

    StoredSegmentDiagnosis(Path bucketDir, Path keepDir) {
        this.bucketDir = bucketDir;
        this.keepDir = keepDir;
    }

    /**
     * Describes {@code record}'s objects as they are now; {@code init} and {@code segment} are the bytes that were
     * probed, {@code streamRecords} every indexed record of the same stream.
     */
    String describe(SegmentRecord record, byte[] init, byte[] segment, Collection<SegmentRecord> streamRecords) {
        StringBuilder out = new StringBuilder();
        Path initPath = bucketDir.resolve(record.getInitKey());
        Path segmentPath = bucketDir.resolve(record.getObjectKey());
        out.append("\n  record: sequence ")
                .append(record.getSequence())
                .append(", session ")
                .append(record.getIngestSessionId())
                .append(", offsets ")
                .append(record.getFirstOffset())
                .append('-')
                .append(record.getLastOffset())
                .append(", announced at ")
                .append(record.getAnnouncedAtMs())
                .append(", init key ")
                .append(record.getInitKey());
        out.append("\n  init as probed: ")
                .append(init.length)
                .append(" bytes, head ")
                .append(head(init))
                .append(", boxes ")
                .append(topLevel(init))
                .append(", trex track ids ")
                .append(trexTrackIds(init));
        out.append("\n  segment as probed: ")
                .append(segment.length)
                .append(" bytes, boxes ")
                .append(topLevel(segment))
                .append(", tfhd track ids ")
                .append(tfhdTrackIds(segment));
        out.append("\n  init now: ").append(fileState(initPath, init));
        out.append("\n  segment modified: ").append(modified(segmentPath));
        out.append("\n  init directory: ").append(listing(initPath.getParent()));
        Map<String, Long> initKeys = new TreeMap<>(streamRecords.stream()
                .collect(Collectors.groupingBy(SegmentRecord::getInitKey, Collectors.counting())));
        out.append("\n  init keys of the stream's records: ").append(initKeys);
        out.append("\n  kept: ").append(keep(record, init, segment));
        return out.toString();
    }

    private static String head(byte[] bytes) {
        return HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, HEAD_BYTES));
    }

    /** Whether the init file still holds what was probed: tells a moment's state from a lasting one. */
    private static String fileState(Path path, byte[] probed) {
        try {
            byte[] now = Files.readAllBytes(path);
            return now.length + " bytes, " + (Arrays.equals(now, probed) ? "same" : "DIFFERENT")
                    + " bytes as probed, trex track ids " + trexTrackIds(now) + ", modified " + modified(path);
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    private static String modified(Path path) {
        try {
            return Files.getLastModifiedTime(path).toString();
        } catch (IOException e) {
            return "unknown: " + e;
        }
    }

    private static String listing(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return "missing";
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted()
                    .map(f -> f.getFileName() + " (" + size(f) + " bytes, " + modified(f) + ")")
                    .collect(Collectors.joining(", "));
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private String keep(SegmentRecord record, byte[] init, byte[] segment) {
        try {
            Files.createDirectories(keepDir);
            String base = record.getStreamId().replace('/', '_') + "-" + record.getSequence();
            Files.write(keepDir.resolve(base + "-init-as-probed.mp4"), init);
            Files.write(keepDir.resolve(base + ".m4s"), segment);
            Path initNow = bucketDir.resolve(record.getInitKey());
            if (Files.exists(initNow)) {
                Files.copy(initNow, keepDir.resolve(base + "-init-now.mp4"), StandardCopyOption.REPLACE_EXISTING);
            }
            return keepDir.toString();
        } catch (IOException e) {
            return "not kept: " + e;
        }
    }

    /** Top-level box types and sizes, as far as they parse. */
    static String topLevel(byte[] bytes) {
        List<String> out = new ArrayList<>();
        for (int[] box : boxes(bytes, 0, bytes.length)) {
            out.add(type(bytes, box[0]) + ":" + (box[1] - box[0]));
        }
        int end =
                boxes(bytes, 0, bytes.length).stream().mapToInt(b -> b[1]).max().orElse(0);
        if (end < bytes.length) {
            out.add("unparsed:" + (bytes.length - end));
        }
        return out.toString();
    }

    /** Track ids of moov/mvex/trex. */
    static List<Long> trexTrackIds(byte[] bytes) {
        List<Long> ids = new ArrayList<>();
        for (int[] moov : children(bytes, 0, bytes.length, "moov")) {
            for (int[] mvex : children(bytes, moov[0] + 8, moov[1], "mvex")) {
                for (int[] trex : children(bytes, mvex[0] + 8, mvex[1], "trex")) {
                    // full box: version and flags, then track_ID
                    if (trex[0] + 16 <= trex[1]) {
                        ids.add(u32(bytes, trex[0] + 12));
                    }
                }
            }
        }
        return ids;
    }

    /** Track ids of moof/traf/tfhd. */
    static List<Long> tfhdTrackIds(byte[] bytes) {
        List<Long> ids = new ArrayList<>();
        for (int[] moof : children(bytes, 0, bytes.length, "moof")) {
            for (int[] traf : children(bytes, moof[0] + 8, moof[1], "traf")) {
                for (int[] tfhd : children(bytes, traf[0] + 8, traf[1], "tfhd")) {
                    if (tfhd[0] + 16 <= tfhd[1]) {
                        ids.add(u32(bytes, tfhd[0] + 12));
                    }
                }
            }
        }
        return ids;
    }

    private static List<int[]> children(byte[] bytes, int from, int to, String type) {
        return boxes(bytes, from, to).stream()
                .filter(b -> type.equals(type(bytes, b[0])))
                .toList();
    }

    /** [start, end) of each box directly inside [from, to), stopping at the first that does not fit. */
    private static List<int[]> boxes(byte[] bytes, int from, int to) {
        List<int[]> out = new ArrayList<>();
        int p = from;
        while (p + 8 <= to) {
            long size = u32(bytes, p);
            if (size == 0) {
                size = to - p;
            }
            if (size < 8 || p + size > to) {
                break;
            }
            out.add(new int[] {p, (int) (p + size)});
            p += (int) size;
        }
        return out;
    }

    private static String type(byte[] bytes, int start) {
        return new String(bytes, start + 4, 4, StandardCharsets.ISO_8859_1);
    }

    private static long u32(byte[] b, int p) {
        return ((b[p] & 0xffL) << 24) | ((b[p + 1] & 0xffL) << 16) | ((b[p + 2] & 0xffL) << 8) | (b[p + 3] & 0xffL);
    }
}
