package io.kvr.media.bmff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import org.mp4parser.IsoFile;

/** Writes a box and reads it back with isoparser, an independent reader. */
final class Parsed {
    private Parsed() {}

    /** The box's bytes, checked to be as long as {@link Box#size()} says. */
    static byte[] bytes(Box box) {
        byte[] bytes = box.toByteArray();
        assertThat(bytes).hasSize((int) box.size());
        assertThat(((bytes[0] & 0xffL) << 24)
                        | ((bytes[1] & 0xff) << 16)
                        | ((bytes[2] & 0xff) << 8)
                        | (bytes[3] & 0xff))
                .as("size field")
                .isEqualTo(box.size());
        return bytes;
    }

    static <T extends org.mp4parser.Box> T as(Class<T> type, Box box) throws IOException {
        try (IsoFile file = new IsoFile(Channels.newChannel(new ByteArrayInputStream(bytes(box))))) {
            assertThat(file.getBoxes()).hasSize(1);
            return type.cast(file.getBoxes().getFirst());
        }
    }
}
