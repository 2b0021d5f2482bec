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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part12.EditListBox;
import org.mp4parser.boxes.iso14496.part12.MediaDataBox;
import org.mp4parser.boxes.iso14496.part12.MovieBox;
import org.mp4parser.boxes.iso14496.part12.MovieExtendsBox;
import org.mp4parser.boxes.iso14496.part12.MovieFragmentBox;
import org.mp4parser.boxes.iso14496.part12.MovieFragmentHeaderBox;
import org.mp4parser.boxes.iso14496.part12.SampleFlags;
import org.mp4parser.boxes.iso14496.part12.TrackBox;
import org.mp4parser.boxes.iso14496.part12.TrackExtendsBox;
import org.mp4parser.boxes.iso14496.part12.TrackFragmentBaseMediaDecodeTimeBox;
import org.mp4parser.boxes.iso14496.part12.TrackFragmentBox;
import org.mp4parser.boxes.iso14496.part12.TrackRunBox;

/** Fragmented MP4 layout checked with isoparser (an independent reader): init, one moof + mdat per chunk pair. */
class FragmentedMp4Test {
    private static final VideoFormat H265 = VideoFormat.of(
            VideoCodec.H265,
            List.of(hex(RealParameterSets.H265_VPS_1920X1080)),
            List.of(hex(RealParameterSets.H265_SPS_1920X1080)),
            List.of(hex(RealParameterSets.H265_PPS)));
    private static final AudioFormat AAC =
            AudioFormat.fromAudioSpecificConfig(HexFormat.of().parseHex("1190"));

    @Test
    void fragmentsFollowTheChunksWithTheirTimesSizesFlagsAndDataOffsets() throws Exception {
        InitSegment init =
                InitSegment.parse(new CmafWriter(List.of(Track.video(1, H265), Track.audio(2, AAC))).initSegment());
        SampleTable video = new SampleTable();
        SampleTable audio = new SampleTable();
        // the progressive payload, with each sample's first byte marking its track and index
        byte[] payload = new byte[3 * (25 * 1000 + 10 * 100)];
        long at = 0;
        // three source segments; a 1 s gap inside the video before the second one; B-frames (composition offsets)
        for (int chunk = 0; chunk < 3; chunk++) {
            video.startChunk(at);
            for (int i = 0; i < 25; i++) {
                long dts = chunk * 3_600 * 25L + (chunk > 0 ? 90_000L : 0) + i * 3_600L;
                video.add(dts, 3_600, 1000, i % 2 == 1 ? 7_200 : 0, i == 0);
                payload[(int) at] = (byte) ('V' + chunk);
                at += 1000;
            }
            audio.startChunk(at);
            for (int i = 0; i < 10; i++) {
                audio.add(960 + chunk * 96_000L + i * 1024L, 1024, 100, 0, true);
                payload[(int) at] = (byte) ('a' + chunk);
                at += 100;
            }
        }
        List<ProgressiveMp4.Track> tracks = List.of(
                new ProgressiveMp4.Track(init.track(1).orElseThrow(), video),
                new ProgressiveMp4.Track(init.track(2).orElseThrow(), audio));
        FragmentedMp4 fmp4 = FragmentedMp4.of(tracks, 500_000, 2_000_000);
        assertThat(fmp4.fragmentCount()).isEqualTo(3);

        // assemble the file as the exporter does: init, then per fragment its header and its span of the payload
        byte[] file = new byte[(int) fmp4.size()];
        System.arraycopy(fmp4.init(), 0, file, 0, fmp4.initSize());
        for (int k = 0; k < fmp4.fragmentCount(); k++) {
            byte[] header = fmp4.header(k);
            assertThat(header).hasSize(fmp4.headerSize(k));
            System.arraycopy(header, 0, file, (int) fmp4.headerOffset(k), header.length);
            int start = (int) fmp4.payloadStart(k);
            int length = (int) (fmp4.payloadEnd(k) - start);
            System.arraycopy(payload, start, file, (int) fmp4.fileOffset(k, start), length);
        }
        assertThat(fmp4.size()).isEqualTo(fmp4.headerOffset(2) + fmp4.headerSize(2) + 25_000 + 1000);

        try (IsoFile iso = new IsoFile(Channels.newChannel(new ByteArrayInputStream(file)))) {
            assertThat(iso.getBoxes().stream().map(b -> b.getType()).toList())
                    .containsExactly("ftyp", "moov", "moof", "mdat", "moof", "mdat", "moof", "mdat");
            MovieBox moov = iso.getMovieBox();
            TrackBox v = moov.getBoxes(TrackBox.class).get(0);
            assertThat(v.getSampleTableBox().getSampleSizeBox().getSampleCount())
                    .isZero();
            MovieExtendsBox mvex = moov.getBoxes(MovieExtendsBox.class).get(0);
            assertThat(mvex.getBoxes(TrackExtendsBox.class))
                    .extracting(TrackExtendsBox::getTrackId)
                    .containsExactly(1L, 2L);
            // the same edit lists as the progressive file: shown from 0.5 s for 2 s
            EditListBox vEdit = org.mp4parser.tools.Path.getPath(v, "edts/elst");
            assertThat(vEdit.getEntries().get(0).getMediaTime()).isEqualTo(45_000);
            assertThat(vEdit.getEntries().get(0).getSegmentDuration()).isEqualTo(2000);

            List<MovieFragmentBox> moofs = iso.getBoxes(MovieFragmentBox.class);
            List<Long> videoTimes = new ArrayList<>();
            List<Long> audioTimes = new ArrayList<>();
            for (int k = 0; k < moofs.size(); k++) {
                MovieFragmentBox moof = moofs.get(k);
                assertThat(moof.getBoxes(MovieFragmentHeaderBox.class).get(0).getSequenceNumber())
                        .isEqualTo(k + 1);
                List<TrackFragmentBox> trafs = moof.getBoxes(TrackFragmentBox.class);
                assertThat(trafs).hasSize(2);
                TrackFragmentBox vt = trafs.get(0);
                TrackFragmentBox aT = trafs.get(1);
                assertThat(vt.getTrackFragmentHeaderBox().getTrackId()).isEqualTo(1);
                assertThat(aT.getTrackFragmentHeaderBox().getTrackId()).isEqualTo(2);
                videoTimes.add(vt.getBoxes(TrackFragmentBaseMediaDecodeTimeBox.class)
                        .get(0)
                        .getBaseMediaDecodeTime());
                audioTimes.add(aT.getBoxes(TrackFragmentBaseMediaDecodeTimeBox.class)
                        .get(0)
                        .getBaseMediaDecodeTime());
                TrackRunBox vRun = vt.getBoxes(TrackRunBox.class).get(0);
                TrackRunBox aRun = aT.getBoxes(TrackRunBox.class).get(0);
                assertThat(vRun.getSampleCount()).isEqualTo(25);
                assertThat(aRun.getSampleCount()).isEqualTo(10);
                var first = vRun.getEntries().get(0);
                SampleFlags keyframe = first.getSampleFlags();
                assertThat(keyframe.isSampleIsDifferenceSample()).isFalse();
                assertThat(vRun.getEntries().get(1).getSampleFlags().isSampleIsDifferenceSample())
                        .isTrue();
                assertThat(vRun.getEntries().get(1).getSampleCompositionTimeOffset())
                        .isEqualTo(7_200);
                assertThat(vRun.getEntries().get(24).getSampleDuration()).isEqualTo(k == 0 ? 3_600 + 90_000 : 3_600);
                assertThat(first.getSampleSize()).isEqualTo(1000);
                // data offsets (from the moof) point at this fragment's samples of each track
                long moofStart = fmp4.headerOffset(k);
                assertThat(file[(int) (moofStart + vRun.getDataOffset())]).isEqualTo((byte) ('V' + k));
                assertThat(file[(int) (moofStart + aRun.getDataOffset())]).isEqualTo((byte) ('a' + k));
            }
            // media times start at each track's first sample and keep the gap
            assertThat(videoTimes).containsExactly(0L, 25 * 3_600L + 90_000L, 50 * 3_600L + 90_000L);
            assertThat(audioTimes).containsExactly(0L, 96_000L, 192_000L);
            assertThat(iso.getBoxes(MediaDataBox.class)).hasSize(3);
        }
    }

    @Test
    void aSegmentWithoutSoundBecomesAFragmentWithTheVideoTrackOnly() throws Exception {
        InitSegment init =
                InitSegment.parse(new CmafWriter(List.of(Track.video(1, H265), Track.audio(2, AAC))).initSegment());
        SampleTable video = new SampleTable();
        SampleTable audio = new SampleTable();
        long at = 0;
        for (int chunk = 0; chunk < 3; chunk++) {
            video.startChunk(at);
            for (int i = 0; i < 5; i++) {
                video.add(chunk * 18_000L + i * 3_600L, 3_600, 500, 0, i == 0);
                at += 500;
            }
            if (chunk != 1) {
                audio.startChunk(at);
                for (int i = 0; i < 4; i++) {
                    audio.add(chunk * 9_600L + i * 1024L, 1024, 50, 0, true);
                    at += 50;
                }
            }
        }
        FragmentedMp4 fmp4 = FragmentedMp4.of(
                List.of(
                        new ProgressiveMp4.Track(init.track(1).orElseThrow(), video),
                        new ProgressiveMp4.Track(init.track(2).orElseThrow(), audio)),
                0,
                600_000);
        assertThat(fmp4.fragmentCount()).isEqualTo(3);
        assertThat(fmp4.payloadEnd(0) - fmp4.payloadStart(0)).isEqualTo(2_700);
        assertThat(fmp4.payloadEnd(1) - fmp4.payloadStart(1)).isEqualTo(2_500);
        assertThat(fmp4.size())
                .isEqualTo(fmp4.initSize() + at + fmp4.headerSize(0) + fmp4.headerSize(1) + fmp4.headerSize(2));
        byte[] file = new byte[(int) fmp4.size()];
        System.arraycopy(fmp4.init(), 0, file, 0, fmp4.initSize());
        for (int k = 0; k < 3; k++) {
            System.arraycopy(fmp4.header(k), 0, file, (int) fmp4.headerOffset(k), fmp4.headerSize(k));
        }
        try (IsoFile iso = new IsoFile(Channels.newChannel(new ByteArrayInputStream(file)))) {
            List<MovieFragmentBox> moofs = iso.getBoxes(MovieFragmentBox.class);
            assertThat(moofs)
                    .extracting(m -> m.getBoxes(TrackFragmentBox.class).size())
                    .containsExactly(2, 1, 2);
            TrackFragmentBox lastAudio =
                    moofs.get(2).getBoxes(TrackFragmentBox.class).get(1);
            // the audio's media time runs on over the segment without sound (its last sample lasts until the next)
            assertThat(lastAudio
                            .getBoxes(TrackFragmentBaseMediaDecodeTimeBox.class)
                            .get(0)
                            .getBaseMediaDecodeTime())
                    .isEqualTo(19_200L);
            assertThat(moofs.get(1)
                            .getBoxes(TrackFragmentBox.class)
                            .get(0)
                            .getBoxes(TrackRunBox.class)
                            .get(0)
                            .getSampleCount())
                    .isEqualTo(5);
        }
    }
}
