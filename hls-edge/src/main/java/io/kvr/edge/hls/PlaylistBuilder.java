package io.kvr.edge.hls;

import io.kvr.runtime.index.IndexedSegment;
import io.kvr.schemas.SegmentRecord;
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

    private final String keyPrefix;

    /** {@code keyPrefix}: the storage prefix before {@code app/stream/} in object keys ("" or ending in /). */
    public PlaylistBuilder(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    /** A live sliding-window playlist of {@code segments} (oldest first, already limited to the window). */
    public String live(String streamId, List<IndexedSegment> segments) {
        StringBuilder b = new StringBuilder(256 + segments.size() * 160);
        b.append("#EXTM3U\n#EXT-X-VERSION:7\n");
        b.append("#EXT-X-TARGETDURATION:").append(targetDuration(segments)).append('\n');
        long mediaSequence = segments.isEmpty() ? 0 : segments.get(0).ordinal();
        long discontinuitySequence = segments.isEmpty() ? 0 : segments.get(0).discontinuities();
        b.append("#EXT-X-MEDIA-SEQUENCE:").append(mediaSequence).append('\n');
        if (discontinuitySequence > 0) {
            b.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
        }
        b.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        String streamDir = keyPrefix + streamId + "/";
        String currentInit = null;
        for (IndexedSegment s : segments) {
            SegmentRecord r = s.segment();
            if (!r.getInitKey().equals(currentInit)) {
                if (currentInit != null) {
                    b.append("#EXT-X-DISCONTINUITY\n");
                }
                b.append("#EXT-X-MAP:URI=\"").append(relative(streamDir, r.getInitKey())).append("\"\n");
                currentInit = r.getInitKey();
            }
            b.append("#EXT-X-PROGRAM-DATE-TIME:").append(PDT.format(Instant.ofEpochMilli(r.getStartTimeMs()))).append('\n');
            b.append("#EXTINF:").append(seconds(r.getDurationMs())).append(",\n");
            b.append(relative(streamDir, r.getObjectKey())).append('\n');
        }
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
        return ms / 1000 + "." + String.format("%03d", ms % 1000);
    }

    private static String relative(String streamDir, String key) {
        if (!key.startsWith(streamDir)) {
            throw new IllegalStateException("object " + key + " is outside " + streamDir);
        }
        return key.substring(streamDir.length());
    }
}
