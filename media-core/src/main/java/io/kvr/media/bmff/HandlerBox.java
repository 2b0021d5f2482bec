package io.kvr.media.bmff;

import java.nio.charset.StandardCharsets;

/**
 * HandlerBox {@code hdlr} (ISO/IEC 14496-12 8.4.3): the media type ({@code vide}, {@code soun}) and a name.
 *
 * @param handlerType four-character code
 * @param name readable name, written null-terminated
 */
public record HandlerBox(String handlerType, String name) implements Box {
    public static final String VIDEO = "vide";
    public static final String SOUND = "soun";

    /** The handler of a video or a sound track, named as players show it. */
    public static HandlerBox of(boolean video) {
        return video ? new HandlerBox(VIDEO, "VideoHandler") : new HandlerBox(SOUND, "SoundHandler");
    }

    @Override
    public long size() {
        return FULL_HEADER_SIZE + 4 + 4 + 12 + nameBytes().length;
    }

    @Override
    public void write(BoxWriter w) {
        int hdlr = w.beginFull("hdlr", 0, 0);
        w.u32(0); // pre_defined
        w.fourcc(handlerType);
        w.zeros(12); // reserved
        w.bytes(nameBytes());
        w.end(hdlr);
    }

    private byte[] nameBytes() {
        return (name + "\0").getBytes(StandardCharsets.UTF_8);
    }
}
