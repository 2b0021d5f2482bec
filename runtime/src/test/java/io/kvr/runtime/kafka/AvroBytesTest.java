package io.kvr.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class AvroBytesTest {

    @Test
    void aBufferWrappingAWholeArrayGivesThatArray() {
        byte[] array = {1, 2, 3};
        assertThat(AvroBytes.of(ByteBuffer.wrap(array))).isSameAs(array);
    }

    @Test
    void anyOtherBufferGivesACopyOfItsRemainingBytesAndKeepsItsPosition() {
        ByteBuffer slice = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}, 1, 3);
        assertThat(AvroBytes.of(slice)).containsExactly(2, 3, 4);
        assertThat(slice.position()).isEqualTo(1);

        ByteBuffer direct =
                ByteBuffer.allocateDirect(2).put((byte) 7).put((byte) 8).flip();
        assertThat(AvroBytes.of(direct)).containsExactly(7, 8);
        assertThat(direct.remaining()).isEqualTo(2);

        assertThat(AvroBytes.of(ByteBuffer.allocate(0))).isEmpty();
    }
}
