package io.kvr.edge.hls;

import io.kvr.index.IndexedSegment;
import io.kvr.index.Timeline;
import io.kvr.schemas.SegmentRecord;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Writes HLS media playlists (RFC 8216bis, version 7: fMP4 with {@code EXT-X-MAP}). Every segment carries
 * {@code EXT-X-PROGRAM-DATE-TIME}; a change of init segment (new ingest session or codec configuration) gets
 * {@code EXT-X-DISCONTINUITY} and a new {@code EXT-X-MAP}. URIs are relative to the playlist's directory
 * ({@code /{app}/{stream}/}), which is also the stream's directory in object storage.
 */
public final class PlaylistBuilder {
    private static final DateTimeFormatter PDT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Query parameter naming the storage prefix of an object stored outside the edge's own {@code s3.prefix}. */
    public static final String PREFIX_PARAM = "prefix";

    private final String keyPrefix;

    /** {@code keyPrefix}: the storage prefix before {@code app/stream/} in object keys ("" or ending in /). */
    public PlaylistBuilder(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    /** A live sliding-window playlist of {@code segments} (oldest first, already limited to the window). */
    public String live(String streamId, List<IndexedSegment> segments) {
        return media(streamId, segments, null, false, "");
    }

    /** An {@code EVENT} playlist (time-shift: segments are only ever appended while the recording grows). */
    public String event(String streamId, List<IndexedSegment> segments) {
        return media(streamId, segments, "EVENT", false, "");
    }

    /** A {@code VOD} playlist of a past range, closed with {@code EXT-X-ENDLIST}. */
    public String vod(String streamId, List<IndexedSegment> segments) {
        return media(streamId, segments, "VOD", true, "");
    }

    /**
     * {@link #live}, {@link #event} ({@code type} "EVENT") or {@link #vod} ({@code type} "VOD") with
     * {@code uriSuffix} (e.g. {@code ?token=…}, URL-safe) appended to every segment and init URI, so a
     * credential given in the playlist's query reaches the segments too.
     */
    public String media(String streamId, List<IndexedSegment> segments, String type, String uriSuffix) {
        return media(streamId, segments, type, "VOD".equals(type), uriSuffix);
    }

    /**
     * Missing time (the camera was away, or a new session or codec began) is marked with
     * {@code EXT-X-DISCONTINUITY}: the next segment's {@code EXT-X-PROGRAM-DATE-TIME} tells players the new
     * wall-clock time, and hls.js, Safari and FFmpeg all play across it, which {@code EXT-X-GAP} is not yet
     * supported well enough for. A new init segment always gets a new {@code EXT-X-MAP}.
     */
    private String media(String streamId, List<IndexedSegment> segments, String type, boolean ended, String uriSuffix) {
        StringBuilder b = new StringBuilder(256 + segments.size() * 160);
        b.append("#EXTM3U\n#EXT-X-VERSION:7\n");
        b.append("#EXT-X-TARGETDURATION:").append(targetDuration(segments)).append('\n');
        long mediaSequence = segments.isEmpty() ? 0 : segments.get(0).ordinal();
        long discontinuitySequence = segments.isEmpty() ? 0 : segments.get(0).discontinuities();
        b.append("#EXT-X-MEDIA-SEQUENCE:").append(mediaSequence).append('\n');
        if (discontinuitySequence > 0) {
            b.append("#EXT-X-DISCONTINUITY-SEQUENCE:")
                    .append(discontinuitySequence)
                    .append('\n');
        }
        if (type != null) {
            b.append("#EXT-X-PLAYLIST-TYPE:").append(type).append('\n');
        }
        b.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        String streamDir = keyPrefix + streamId + "/";
        String currentInit = null;
        long previousEnd = Long.MIN_VALUE;
        for (IndexedSegment s : segments) {
            SegmentRecord r = s.segment();
            boolean newInit = !r.getInitKey().equals(currentInit);
            // holes inside one init only in VOD: live and event playlists number discontinuities as the index
            // does (init changes), so a window sliding past a hole keeps EXT-X-DISCONTINUITY-SEQUENCE right
            boolean hole =
                    ended && previousEnd != Long.MIN_VALUE && r.getStartTimeMs() - previousEnd > Timeline.CONTIGUOUS_MS;
            if (currentInit != null && (newInit || hole)) {
                b.append("#EXT-X-DISCONTINUITY\n");
            }
            if (newInit) {
                appendUri(b.append("#EXT-X-MAP:URI=\""), streamDir, r.getInitKey(), uriSuffix)
                        .append("\"\n");
                currentInit = r.getInitKey();
            }
            appendDateTime(b.append("#EXT-X-PROGRAM-DATE-TIME:"), r.getStartTimeMs())
                    .append('\n');
            appendSeconds(b.append("#EXTINF:"), r.getDurationMs()).append(",\n");
            appendUri(b, streamDir, r.getObjectKey(), uriSuffix).append('\n');
            previousEnd = r.getEndTimeMs();
        }
        if (ended) {
            b.append("#EXT-X-ENDLIST\n");
        }
        return b.toString();
    }

    /**
     * A multivariant playlist with one variant: the stream's live playlist, with {@code CODECS} (RFC 6381, e.g.
     * {@code avc1.64001f,mp4a.40.2}) and {@code RESOLUTION} from the newest segment; {@code BANDWIDTH} is the
     * peak segment bit rate of the window.
     */
    public String multivariant(List<IndexedSegment> window, String variantUri) {
        SegmentRecord newest = window.get(window.size() - 1).segment();
        long peak = 1;
        for (IndexedSegment s : window) {
            long ms = Math.max(1, s.segment().getDurationMs());
            peak = Math.max(peak, s.segment().getByteSize() * 8 * 1000 / ms);
        }
        StringBuilder b = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        b.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(peak);
        b.append(",CODECS=\"").append(newest.getCodecs()).append('"');
        if (newest.getWidth() > 0 && newest.getHeight() > 0) {
            b.append(",RESOLUTION=").append(newest.getWidth()).append('x').append(newest.getHeight());
        }
        b.append('\n').append(variantUri).append('\n');
        return b.toString();
    }

    static int targetDuration(List<IndexedSegment> segments) {
        long max = 0;
        for (IndexedSegment s : segments) {
            max = Math.max(max, s.segment().getDurationMs());
        }
        return (int) Math.max(1, (max + 999) / 1000);
    }

    /** Milliseconds as decimal seconds with three digits, without floating point. */
    static String seconds(long ms) {
        return appendSeconds(new StringBuilder(), ms).toString();
    }

    // The two appenders below write digits straight into the playlist: a 24 h range has 43,200 segments, and
    // DateTimeFormatter and String.format per segment were most of its rendering time.

    static StringBuilder appendSeconds(StringBuilder b, long ms) {
        return digits(b.append(ms / 1000).append('.'), ms % 1000, 3);
    }

    /** {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} of unix milliseconds (UTC), as {@link #PDT} formats it. */
    static StringBuilder appendDateTime(StringBuilder b, long ms) {
        long day = Math.floorDiv(ms, 86_400_000L);
        long inDay = Math.floorMod(ms, 86_400_000L);
        if (day < 0 || day > 2_932_896) { // outside years 1970..9999: the general formatter
            return b.append(PDT.format(Instant.ofEpochMilli(ms)));
        }
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(day);
        digits(b, date.getYear(), 4).append('-');
        digits(b, date.getMonthValue(), 2).append('-');
        digits(b, date.getDayOfMonth(), 2).append('T');
        digits(b, inDay / 3_600_000, 2).append(':');
        digits(b, inDay / 60_000 % 60, 2).append(':');
        digits(b, inDay / 1000 % 60, 2).append('.');
        return digits(b, inDay % 1000, 3).append('Z');
    }

    /** {@code value} (0 ≤ value < 10^width) zero-padded to {@code width} digits. */
    private static StringBuilder digits(StringBuilder b, long value, int width) {
        for (long div = width == 4 ? 1000 : width == 3 ? 100 : 10; div > 0; div /= 10) {
            b.append((char) ('0' + value / div % 10));
        }
        return b;
    }

    /**
     * The object's URI relative to the playlist: its name below the stream directory, plus {@code ?prefix=} when
     * a recording policy stored it under another storage prefix than the edge's.
     */
    private String relative(String streamDir, String key) {
        if (key.startsWith(streamDir)) {
            return key.substring(streamDir.length());
        }
        // {prefix}{app}/{stream}/ then yyyy/MM/dd/HH/name.m4s or init/name.mp4
        String relativeDir = streamDir.substring(keyPrefix.length());
        int depth = key.endsWith(".mp4") ? 2 : 5;
        int cut = key.length();
        for (int i = 0; i < depth && cut > 0; i++) {
            cut = key.lastIndexOf('/', cut - 1);
        }
        String dir = cut < 0 ? "" : key.substring(0, cut + 1);
        if (!dir.endsWith(relativeDir)) {
            throw new IllegalStateException("object " + key + " is outside " + relativeDir);
        }
        String prefix = dir.substring(0, dir.length() - relativeDir.length());
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return key.substring(cut + 1) + "?" + PREFIX_PARAM + "=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8);
    }

    /**
     * The object's URI relative to the playlist plus {@code uriSuffix} ({@code ?token=…}, joined with {@code &}
     * when the URI already has a {@code ?prefix=} query). The common case appends without building a string.
     */
    private StringBuilder appendUri(StringBuilder b, String streamDir, String key, String uriSuffix) {
        if (key.startsWith(streamDir)) {
            return b.append(key, streamDir.length(), key.length()).append(uriSuffix);
        }
        b.append(relative(streamDir, key));
        return uriSuffix.isEmpty() ? b : b.append('&').append(uriSuffix, 1, uriSuffix.length());
    }
}
