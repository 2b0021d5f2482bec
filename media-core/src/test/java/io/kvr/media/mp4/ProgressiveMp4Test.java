package io.kvr.media.mp4;

import static io.kvr.media.codec.RealParameterSets.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.media.cmaf.CmafWriter;
import io.kvr.media.cmaf.Track;
import io.kvr.media.codec.AudioFormat;
import io.kvr.media.codec.RealParameterSets;
import io.kvr.media.codec.VideoCodec;
import io.kvr.media.codec.VideoFormat;
import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part12.EditListBox;
import org.mp4parser.boxes.iso14496.part12.MovieBox;
import org.mp4parser.boxes.iso14496.part12.SampleSizeBox;
import org.mp4parser.boxes.iso14496.part12.TimeToSampleBox;
import org.mp4parser.boxes.iso14496.part12.TrackBox;

/** Progressive MP4 headers checked with isoparser (an independent reader). */
class ProgressiveMp4Test {
    private static final VideoFormat H265 = VideoFormat.of(
            VideoCodec.H265,
            List.of(hex(RealParameterSets.H265_VPS_1920X1080)),
            List.of(hex(RealParameterSets.H265_SPS_1920X1080)),
            List.of(hex(RealParameterSets.H265_PPS)));
    private static final AudioFormat AAC =
            AudioFormat.fromAudioSpecificConfig(HexFormat.of().parseHex("1190"));

    @Test
    void initSegmentTracksAreReadBack() {
        InitSegment init =
                InitSegment.parse(new CmafWriter(List.of(Track.video(1, H265), Track.audio(2, AAC))).initSegment());
        assertThat(init.tracks()).hasSize(2);
        assertThat(init.track(1).orElseThrow().video()).isTrue();
        assertThat(init.track(1).orElseThrow().sampleEntry()).isEqualTo("hvc1");
        assertThat(init.track(1).orElseThrow().width()).isEqualTo(1920);
        assertThat(init.track(2).orElseThrow().sampleEntry()).isEqualTo("mp4a");
        assertThat(init.track(2).orElseThrow().timescale()).isEqualTo(48_000);
        InitSegment again =
                InitSegment.parse(new CmafWriter(List.of(Track.video(1, H265), Track.audio(2, AAC))).initSegment());
        assertThat(again.track(1).orElseThrow().sameConfiguration(init.track(1).orElseThrow()))
                .isTrue();
    }

    @Test
    void headerHasSampleTablesChunkOffsetsAndEditLists() throws Exception {
        InitSegment init =
                InitSegment.parse(new CmafWriter(List.of(Track.video(1, H265), Track.audio(2, AAC))).initSegment());
        SampleTable video = new SampleTable();
        SampleTable audio = new SampleTable();
        long payload = 0;
        // two chunks per track, a 1 s gap between them inside the video (its last frame before the gap lasts 1.04 s)
        for (int chunk = 0; chunk < 2; chunk++) {
            video.startChunk(payload);
            for (int i = 0; i < 25; i++) {
                video.add(chunk * 3_600 * 25L + chunk * 90_000L + i * 3_600L, 3_600, 1000, 0, i == 0);
                payload += 1000;
            }
            audio.startChunk(payload);
            for (int i = 0; i < 10; i++) {
                audio.add(960 + chunk * 96_000L + i * 1024L, 1024, 100, 0, true);
                payload += 100;
            }
        }
        List<ProgressiveMp4.Track> tracks = List.of(
                new ProgressiveMp4.Track(init.track(1).orElseThrow(), video),
                new ProgressiveMp4.Track(init.track(2).orElseThrow(), audio));
        // shown from 0.5 s for 2 s
        byte[] header = ProgressiveMp4.header(tracks, 500_000, 2_000_000, payload);
        byte[] file = new byte[(int) (header.length + payload)];
        System.arraycopy(header, 0, file, 0, header.length);

        try (IsoFile iso = new IsoFile(Channels.newChannel(new ByteArrayInputStream(file)))) {
            assertThat(iso.getBoxes().stream().map(b -> b.getType()).toList()).containsExactly("ftyp", "moov", "mdat");
            MovieBox moov = iso.getMovieBox();
            assertThat(moov.getMovieHeaderBox().getDuration()).isEqualTo(2000);
            TrackBox v = moov.getBoxes(TrackBox.class).get(0);
            TrackBox a = moov.getBoxes(TrackBox.class).get(1);
            var vStbl = v.getSampleTableBox();
            assertThat(vStbl.getSampleSizeBox().getSampleCount()).isEqualTo(50);
            List<TimeToSampleBox.Entry> stts = vStbl.getTimeToSampleBox().getEntries();
            assertThat(stts).hasSize(3);
            assertThat(stts.get(1).getDelta()).isEqualTo(3_600 + 90_000);
            assertThat(vStbl.getSyncSampleBox().getSampleNumber()).containsExactly(1, 26);
            assertThat(vStbl.getSampleToChunkBox().getEntries()).hasSize(1);
            long[] offsets = vStbl.getChunkOffsetBox().getChunkOffsets();
            assertThat(offsets).containsExactly(header.length, header.length + 25_000 + 1000);
            assertThat(a.getSampleTableBox().getChunkOffsetBox().getChunkOffsets())
                    .containsExactly(header.length + 25_000, header.length + 25_000 + 1000 + 25_000);
            EditListBox vEdit = org.mp4parser.tools.Path.getPath(v, "edts/elst");
            assertThat(vEdit.getEntries()).hasSize(1);
            assertThat(vEdit.getEntries().get(0).getMediaTime()).isEqualTo(45_000);
            assertThat(vEdit.getEntries().get(0).getSegmentDuration()).isEqualTo(2000);
            // audio starts 20 ms after the keyframe, before the window: shown from 0.5 s of the output timeline
            EditListBox aEdit = org.mp4parser.tools.Path.getPath(a, "edts/elst");
            assertThat(aEdit.getEntries().get(0).getMediaTime()).isEqualTo(24_000 - 960);
            assertThat(a.getMediaBox().getMediaHeaderBox().getTimescale()).isEqualTo(48_000);
            SampleSizeBox aSizes = a.getSampleTableBox().getSampleSizeBox();
            assertThat(aSizes.getSampleCount()).isEqualTo(20);
        }
    }
}
