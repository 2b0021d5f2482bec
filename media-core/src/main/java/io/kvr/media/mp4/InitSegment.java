package io.kvr.media.mp4;

import io.kvr.media.MalformedMediaException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The tracks of a CMAF init segment ({@code ftyp} + {@code moov}): what a whole-file MP4 needs from it. The
 * {@code stsd} box is kept as bytes and copied unchanged, so the codec configuration ({@code avcC}, {@code hvcC},
 * {@code esds}) and the sample entry type ({@code avc1}, {@code hvc1}, {@code mp4a}) are exactly the recorded ones.
 */
public record InitSegment(List<TrackConfig> tracks) {

    /**
     * One track: its ID, handler ({@code vide} or {@code soun}), media timescale, picture size (0 for audio)
     * and its whole {@code stsd} box.
     */
    public record TrackConfig(int trackId, String handler, int timescale, int width, int height, byte[] stsd) {
        public boolean video() {
            return "vide".equals(handler);
        }

        /** True when both tracks decode with the same configuration (one file can hold samples of both). */
        public boolean sameConfiguration(TrackConfig other) {
            return handler.equals(other.handler) && timescale == other.timescale && Arrays.equals(stsd, other.stsd);
        }

        /** The sample entry type, e.g. {@code avc1}, {@code hvc1}, {@code mp4a}. */
        public String sampleEntry() {
            // box header 8, version and flags 4, entry_count 4, then the first entry: size 4, type 4
            return stsd.length >= 24 ? new String(stsd, 20, 4, StandardCharsets.ISO_8859_1) : "";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TrackConfig t
                    && t.trackId == trackId
                    && sameConfiguration(t)
                    && t.width == width
                    && t.height == height;
        }

        @Override
        public int hashCode() {
            return trackId * 31 + Arrays.hashCode(stsd);
        }

        @Override
        public String toString() {
            return "TrackConfig[" + trackId + " " + handler + " " + sampleEntry() + " " + timescale + "]";
        }
    }

    public InitSegment {
        tracks = List.copyOf(tracks);
    }

    public Optional<TrackConfig> track(int trackId) {
        return tracks.stream().filter(t -> t.trackId() == trackId).findFirst();
    }

    public static InitSegment parse(byte[] data) {
        Box moov = Box.child(data, 0, data.length, "moov")
                .orElseThrow(() -> new MalformedMediaException("init segment has no moov box"));
        List<TrackConfig> tracks = new ArrayList<>();
        for (Box trak : Box.children(data, moov.bodyStart(), moov.end(), "trak")) {
            Box tkhd = require(data, trak, "tkhd");
            Box mdia = require(data, trak, "mdia");
            Box mdhd = require(data, mdia, "mdhd");
            Box hdlr = require(data, mdia, "hdlr");
            Box minf = require(data, mdia, "minf");
            Box stbl = require(data, minf, "stbl");
            Box stsd = require(data, stbl, "stsd");
            int tkhdVersion = data[tkhd.bodyStart()] & 0xff;
            int trackId = (int) Box.u32(data, tkhd.bodyStart() + (tkhdVersion == 1 ? 20 : 12));
            int width = (int) (Box.u32(data, tkhd.end() - 8) >>> 16);
            int height = (int) (Box.u32(data, tkhd.end() - 4) >>> 16);
            int mdhdVersion = data[mdhd.bodyStart()] & 0xff;
            int timescale = (int) Box.u32(data, mdhd.bodyStart() + (mdhdVersion == 1 ? 20 : 12));
            String handler = new String(data, hdlr.bodyStart() + 8, 4, StandardCharsets.ISO_8859_1);
            tracks.add(new TrackConfig(
                    trackId, handler, timescale, width, height, Arrays.copyOfRange(data, stsd.start(), stsd.end())));
        }
        if (tracks.isEmpty()) {
            throw new MalformedMediaException("init segment has no tracks");
        }
        return new InitSegment(tracks);
    }

    private static Box require(byte[] data, Box parent, String type) {
        return Box.child(data, parent.bodyStart(), parent.end(), type)
                .orElseThrow(() -> new MalformedMediaException("init segment: no " + type + " in " + parent.type()));
    }
}
