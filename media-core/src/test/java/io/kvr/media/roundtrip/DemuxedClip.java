package io.kvr.media.roundtrip;

import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;

/** The compressed packets of a clip as JavaCV's demuxer gives them (grabPacket, no decoding). */
record DemuxedClip(Stream video, Stream audio, List<Packet> packets) {

    /** One stream: its codec parameters and time base. audio is null when the clip has none. */
    record Stream(int index, int codecId, byte[] extradata, int timeBaseNum, int timeBaseDen, int sampleRate) {}

    record Packet(int stream, long pts, long dts, long duration, boolean key, byte[] data) {}

    static DemuxedClip read(Path file) throws Exception {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR); // no stream dump on stderr
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.start();
            AVFormatContext context = grabber.getFormatContext();
            Stream video = null;
            Stream audio = null;
            for (int i = 0; i < context.nb_streams(); i++) {
                AVStream stream = context.streams(i);
                AVCodecParameters p = stream.codecpar();
                byte[] extradata = new byte[p.extradata_size()];
                if (extradata.length > 0) {
                    p.extradata().get(extradata);
                }
                Stream s = new Stream(
                        i,
                        p.codec_id(),
                        extradata,
                        stream.time_base().num(),
                        stream.time_base().den(),
                        p.sample_rate());
                if (p.codec_type() == AVMEDIA_TYPE_VIDEO && video == null) {
                    video = s;
                } else if (p.codec_type() == AVMEDIA_TYPE_AUDIO && audio == null) {
                    audio = s;
                }
            }
            List<Packet> packets = new ArrayList<>();
            AVPacket packet;
            while ((packet = grabber.grabPacket()) != null) {
                byte[] data = new byte[packet.size()];
                packet.data().get(data);
                packets.add(new Packet(
                        packet.stream_index(),
                        packet.pts(),
                        packet.dts(),
                        packet.duration(),
                        (packet.flags() & avcodec.AV_PKT_FLAG_KEY) != 0,
                        data));
            }
            return new DemuxedClip(video, audio, packets);
        }
    }

    List<Packet> packetsOf(Stream stream) {
        return stream == null
                ? List.of()
                : packets.stream().filter(p -> p.stream() == stream.index()).toList();
    }
}
