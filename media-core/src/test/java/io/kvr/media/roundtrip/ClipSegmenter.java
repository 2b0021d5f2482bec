package io.kvr.media.roundtrip;

import io.kvr.media.cmaf.CmafWriter;
import io.kvr.media.cmaf.MediaSegment;
import io.kvr.media.cmaf.Sample;
import io.kvr.media.cmaf.SampleQueue;
import io.kvr.media.cmaf.Track;
import io.kvr.media.cmaf.TrackSamples;
import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import io.kvr.media.codec.aac.AdtsHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-side segmenter shaped like kvr's: it pushes the packets of a demuxed clip into one SampleQueue per
 * track and cuts a fragment at every video keyframe. Video decode times are rescaled to 90 kHz from the first
 * video packet; AAC frames are numbered, 1024 samples each. Avcc/hvcC extradata configures the video track;
 * otherwise (MPEG-TS, as from RTSP) the first keyframe's in-band parameter sets do. ADTS headers are stripped.
 */
final class ClipSegmenter {

    private ClipSegmenter() {}

    static Recording record(DemuxedClip clip, VideoCodec codec) {
        DemuxedClip.Stream video = clip.video();
        DemuxedClip.Stream audio = clip.audio();
        List<DemuxedClip.Packet> videoPackets = clip.packetsOf(video);
        List<DemuxedClip.Packet> audioPackets = clip.packetsOf(audio);
        VideoFormat videoFormat = video.extradata().length > 0 && video.extradata()[0] == 1
                ? VideoFormat.fromExtradata(codec, video.extradata())
                : VideoFormat.fromAccessUnit(
                                codec,
                                videoPackets.stream()
                                        .filter(DemuxedClip.Packet::key)
                                        .findFirst()
                                        .orElseThrow()
                                        .data())
                        .orElseThrow();
        boolean adts = !audioPackets.isEmpty()
                && AdtsHeader.hasSyncword(audioPackets.getFirst().data(), 0);
        AudioFormat audioFormat = audio == null
                ? null
                : adts
                        ? AudioFormat.fromAdts(
                                AdtsHeader.parse(audioPackets.getFirst().data(), 0))
                        : AudioFormat.fromAudioSpecificConfig(audio.extradata());

        List<Track> tracks = new ArrayList<>(List.of(Track.video(Recording.VIDEO_TRACK, videoFormat)));
        if (audioFormat != null) {
            tracks.add(Track.audio(Recording.AUDIO_TRACK, audioFormat));
        }
        CmafWriter writer = new CmafWriter(tracks);
        SampleQueue videoQueue = new SampleQueue();
        SampleQueue audioQueue = new SampleQueue();
        List<MediaSegment> segments = new ArrayList<>();
        List<List<TrackSamples>> inputs = new ArrayList<>();
        long videoStart = videoPackets.getFirst().dts();
        long audioFrames = 0;
        long lastVideoDuration = 0;
        for (DemuxedClip.Packet packet : clip.packets()) {
            if (packet.stream() == video.index()) {
                long dts = toVideoTicks(packet.dts() - videoStart, video);
                long pts = toVideoTicks(packet.pts() - videoStart, video);
                if (packet.key() && !videoQueue.isEmpty()) {
                    long audioCut = audioFormat == null ? 0 : dts * audioFormat.sampleRate() / Track.VIDEO_TIMESCALE;
                    cut(writer, segments, inputs, videoQueue.drain(dts), audioQueue.drainBefore(audioCut));
                }
                videoQueue.add(dts, Math.toIntExact(pts - dts), packet.key(), packet.data());
                lastVideoDuration = toVideoTicks(packet.duration(), video);
            } else if (audio != null && packet.stream() == audio.index()) {
                byte[] frame = adts ? AdtsHeader.rawFrame(packet.data(), 0) : packet.data();
                audioQueue.add(audioFrames++ * 1024, 0, true, frame);
            }
        }
        cut(
                writer,
                segments,
                inputs,
                videoQueue.drainWithLastDuration(Math.toIntExact(lastVideoDuration)),
                audioQueue.drainWithLastDuration(1024));
        return new Recording(videoFormat, audioFormat, writer.initSegment(), segments, inputs);
    }

    private static void cut(
            CmafWriter writer,
            List<MediaSegment> segments,
            List<List<TrackSamples>> inputs,
            List<Sample> video,
            List<Sample> audio) {
        List<TrackSamples> fragment =
                List.of(new TrackSamples(Recording.VIDEO_TRACK, video), new TrackSamples(Recording.AUDIO_TRACK, audio));
        if (audio.isEmpty()) {
            fragment = List.of(fragment.getFirst());
        }
        inputs.add(fragment);
        segments.add(writer.mediaSegment(segments.size() + 1, fragment));
    }

    private static long toVideoTicks(long value, DemuxedClip.Stream stream) {
        return Math.floorDiv(value * stream.timeBaseNum() * Track.VIDEO_TIMESCALE, stream.timeBaseDen());
    }
}
