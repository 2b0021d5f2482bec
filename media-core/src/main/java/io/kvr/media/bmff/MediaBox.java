package io.kvr.media.bmff;

/** MediaBox {@code mdia} (ISO/IEC 14496-12 8.4.1): media header, handler, media information. */
public record MediaBox(MediaHeaderBox header, HandlerBox handler, MediaInformationBox information) implements Box {
    @Override
    public long size() {
        return HEADER_SIZE + header.size() + handler.size() + information.size();
    }

    @Override
    public void write(BoxWriter w) {
        int mdia = w.begin("mdia");
        header.write(w);
        handler.write(w);
        information.write(w);
        w.end(mdia);
    }
}
