package io.kvr.segmenter.segment;

import io.kvr.media.cmaf.CmafWriter;
import io.kvr.media.cmaf.Track;
import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.VisualFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * The recorded tracks of one ingest session: one video track (required; H.264, H.265 or MPEG-4 Part 2), at most
 * one AAC track, and the writer
 * and init segment for them. {@code videoTrack}/{@code audioTrack} are source track indexes (-1: none).
 */
record SessionTracks(
        int videoTrack,
        VisualFormat video,
        int audioTrack,
        AudioFormat audio,
        CmafWriter writer,
        byte[] init,
        String configHash,
        String codecs) {
    static final int VIDEO_TRACK_ID = 1;
    static final int AUDIO_TRACK_ID = 2;

    static SessionTracks of(int videoTrack, VisualFormat video, int audioTrack, AudioFormat audio) {
        List<Track> tracks = new ArrayList<>();
        tracks.add(Track.video(VIDEO_TRACK_ID, video));
        if (audio != null) {
            tracks.add(Track.audio(AUDIO_TRACK_ID, audio));
        }
        CmafWriter writer = new CmafWriter(tracks);
        byte[] init = writer.initSegment();
        String codecs = video.codecsString() + (audio == null ? "" : "," + audio.codecsString());
        return new SessionTracks(
                videoTrack, video, audio == null ? -1 : audioTrack, audio, writer, init, hash(init), codecs);
    }

    int videoTimescale() {
        return Track.VIDEO_TIMESCALE;
    }

    /** First 8 bytes of SHA-256 of the init segment, hex: names the init object of this configuration. */
    private static String hash(byte[] init) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(init);
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
