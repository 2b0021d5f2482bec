package io.kvr.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The demo camera's picture and sound, without any encoder. */
class DemoPictureAndSoundTest {

    private static final long T0 = 1_750_000_000_000L; // a whole UTC second
    private static final int BAND_TOP = 220;

    private final TestPattern pattern = new TestPattern(640, 360, 25, "cam-1");

    @Test
    void theSameFrameIsPaintedTheSameWay() {
        assertThat(paint(pattern, 7, T0 + 280)).isEqualTo(paint(pattern, 7, T0 + 280));
    }

    @Test
    void somethingMovesFromFrameToFrame() {
        byte[] a = paint(pattern, 10, T0 + 400);
        byte[] b = paint(pattern, 11, T0 + 440);
        // Compare only the bars, above the ticker and the text: the ball must have moved.
        int barsBytes = 200 * 640 * 3;
        assertThat(Arrays.equals(a, 0, barsBytes, b, 0, barsBytes)).isFalse();
    }

    @Test
    void theClockIsBurnedIn() {
        byte[] a = paint(pattern, 10, T0 + 400);
        byte[] b = paint(pattern, 10, T0 + 400 + 86_400_000L); // same frame, one day later
        int bandStart = BAND_TOP * 640 * 3;
        assertThat(Arrays.equals(a, 0, bandStart, b, 0, bandStart)).isTrue();
        assertThat(Arrays.equals(a, bandStart, a.length, b, bandStart, b.length))
                .isFalse();
        assertThat(TestPattern.CLOCK.format(java.time.Instant.ofEpochMilli(T0 + 400)))
                .isEqualTo("2025-06-15 15:06:40.400");
    }

    @Test
    void anyLabelCanBeDrawn() {
        TestPattern odd =
                new TestPattern(640, 360, 25, "kamera-\u00e5\u00e4\u00f6 \u6444\u50cf\u673a " + "x".repeat(200));
        assertThat(paint(odd, 0, T0)).hasSize(640 * 360 * 3);
    }

    @Test
    void everyPrintableCharacterHasAGlyph() {
        for (char c = '!'; c <= '~'; c++) {
            BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = image.createGraphics();
            g.setColor(Color.WHITE);
            BitmapFont.draw(g, String.valueOf(c), 0, 0, 1);
            g.dispose();
            int lit = 0;
            for (byte value : ((DataBufferByte) image.getRaster().getDataBuffer()).getData()) {
                lit += value != 0 ? 1 : 0;
            }
            assertThat(lit).as("pixels of '%s'", c).isPositive();
        }
        assertThat(BitmapFont.width("12:34", 4)).isEqualTo((5 * 6 - 1) * 4);
    }

    @Test
    void theBeepStartsWithEachUtcSecondAndLastsATenth() {
        // Sample 0 is 950 ms into a second: 50 ms of silence, then the beep.
        BeepTone tone = new BeepTone(T0 + 950);
        short[] samples = new short[BeepTone.SAMPLE_RATE];
        tone.fill(samples, 0, samples.length);
        int perMilli = BeepTone.SAMPLE_RATE / 1000;
        assertThat(peak(samples, 0, 50 * perMilli)).isZero();
        int beep = peak(samples, 50 * perMilli, 150 * perMilli);
        assertThat(beep).isBetween(3000, 3300); // -20 dBFS, quiet
        assertThat(peak(samples, 151 * perMilli, samples.length)).isZero();
        // The same samples come out whichever stretch they are asked for in.
        short[] later = new short[100];
        tone.fill(later, 3000, later.length);
        assertThat(later).isEqualTo(Arrays.copyOfRange(samples, 3000, 3100));
    }

    private static byte[] paint(FramePainter painter, long frame, long epochMillis) {
        BufferedImage image = new BufferedImage(640, 360, BufferedImage.TYPE_3BYTE_BGR);
        painter.paint(image, frame, epochMillis);
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData().clone();
    }

    private static int peak(short[] samples, int from, int to) {
        int peak = 0;
        for (int i = from; i < to; i++) {
            peak = Math.max(peak, Math.abs(samples[i]));
        }
        return peak;
    }
}
