package io.kvr.media.bmff;

/**
 * MediaInformationBox {@code minf} (ISO/IEC 14496-12 8.4.4): the media-type header ({@link VideoMediaHeaderBox} or
 * {@link SoundMediaHeaderBox}), where the data is, and the sample tables.
 */
public record MediaInformationBox(Box mediaHeader, DataInformationBox dataInformation, SampleTableBox sampleTable)
        implements Box {
    /** The information of a track whose data is in the same file. */
    public static MediaInformationBox selfContained(boolean video, SampleTableBox sampleTable) {
        return new MediaInformationBox(
                video ? new VideoMediaHeaderBox() : new SoundMediaHeaderBox(),
                DataInformationBox.selfContained(),
                sampleTable);
    }

    @Override
    public long size() {
        return HEADER_SIZE + mediaHeader.size() + dataInformation.size() + sampleTable.size();
    }

    @Override
    public void write(BoxWriter w) {
        int minf = w.begin("minf");
        mediaHeader.write(w);
        dataInformation.write(w);
        sampleTable.write(w);
        w.end(minf);
    }
}
