package io.kvr.launcher.demo;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The demo camera's picture: colour bars with a bouncing ball, a 25-cell frame ticker, and a
 * text band with the stream label, the capture time in UTC to the millisecond, and the frame
 * number.
 *
 * <p>Everything that does not move is drawn once into a background that is copied byte for
 * byte into each frame, so a frame costs a memory copy plus a few hundred small fills.
 */
final class TestPattern implements FramePainter {

    static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private static final Color[] BARS = {
        new Color(191, 191, 191),
        new Color(191, 191, 0),
        new Color(0, 191, 191),
        new Color(0, 191, 0),
        new Color(191, 0, 191),
        new Color(191, 0, 0),
        new Color(0, 0, 191),
    };
    private static final int BARS_HEIGHT = 200;
    private static final int TICKER_TOP = BARS_HEIGHT;
    private static final int TICKER_HEIGHT = 20;
    private static final int BAND_TOP = TICKER_TOP + TICKER_HEIGHT;
    private static final int BALL = 48;
    private static final Color BAND = new Color(16, 16, 32);
    private static final Color LABEL = new Color(255, 220, 0);
    private static final Color TICK_OFF = new Color(48, 48, 48);
    private static final Color TICK_ON = Color.WHITE;
    private static final Color TICK_SECOND = new Color(255, 64, 64);
    private static final int LABEL_SCALE = 3;
    private static final int CLOCK_SCALE = 4;
    private static final int MARGIN = 12;
    private static final int LABEL_Y = BAND_TOP + 10;
    private static final int CLOCK_Y = LABEL_Y + BitmapFont.GLYPH_HEIGHT * LABEL_SCALE + 12;
    private static final int FRAME_Y = CLOCK_Y + BitmapFont.GLYPH_HEIGHT * CLOCK_SCALE + 14;

    private final int width;
    private final int height;
    private final int framesPerSecond;
    private final String label;
    private final byte[] background;

    TestPattern(int width, int height, int framesPerSecond, String label) {
        this.width = width;
        this.height = height;
        this.framesPerSecond = framesPerSecond;
        this.label = fit(label, (width - 2 * MARGIN) / (BitmapFont.ADVANCE * LABEL_SCALE));
        this.background = renderBackground();
    }

    @Override
    public void paint(BufferedImage image, long frameNumber, long epochMillis) {
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(background, 0, pixels, 0, background.length);
        Graphics2D g = image.createGraphics();
        try {
            drawTicker(g, epochMillis);
            drawBall(g, frameNumber);
            drawText(g, frameNumber, epochMillis);
        } finally {
            g.dispose();
        }
    }

    private void drawTicker(Graphics2D g, long epochMillis) {
        // One cell per frame of the current UTC second; the red one starts the second (when the
        // clock's seconds change and the beep starts), so dropped frames and A/V offset show.
        int cell = (int) (Math.floorMod(epochMillis, 1000L) * framesPerSecond / 1000);
        g.setColor(cell == 0 ? TICK_SECOND : TICK_ON);
        int x0 = cell * width / framesPerSecond;
        int x1 = (cell + 1) * width / framesPerSecond;
        g.fillRect(x0 + 1, TICKER_TOP + 2, x1 - x0 - 2, TICKER_HEIGHT - 4);
    }

    private void drawBall(Graphics2D g, long frameNumber) {
        // Triangle waves with unrelated periods make the ball wander over all the bars.
        int x = triangle(frameNumber, 4L * framesPerSecond, width - BALL);
        int y = triangle(frameNumber, 3L * framesPerSecond - 7, BARS_HEIGHT - BALL);
        g.setColor(Color.BLACK);
        g.fillOval(x, y, BALL, BALL);
        g.setColor(Color.WHITE);
        g.fillOval(x + 4, y + 4, BALL - 8, BALL - 8);
    }

    private void drawText(Graphics2D g, long frameNumber, long epochMillis) {
        g.setColor(Color.WHITE);
        BitmapFont.draw(g, CLOCK.format(Instant.ofEpochMilli(epochMillis)), MARGIN, CLOCK_Y, CLOCK_SCALE);
        BitmapFont.draw(g, "frame " + frameNumber, MARGIN, FRAME_Y, LABEL_SCALE);
    }

    private byte[] renderBackground() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            for (int i = 0; i < BARS.length; i++) {
                g.setColor(BARS[i]);
                int x0 = i * width / BARS.length;
                g.fillRect(x0, 0, (i + 1) * width / BARS.length - x0, BARS_HEIGHT);
            }
            g.setColor(Color.BLACK);
            g.fillRect(0, TICKER_TOP, width, TICKER_HEIGHT);
            g.setColor(TICK_OFF);
            for (int cell = 0; cell < framesPerSecond; cell++) {
                int x0 = cell * width / framesPerSecond;
                int x1 = (cell + 1) * width / framesPerSecond;
                g.fillRect(x0 + 1, TICKER_TOP + 2, x1 - x0 - 2, TICKER_HEIGHT - 4);
            }
            g.setColor(BAND);
            g.fillRect(0, BAND_TOP, width, height - BAND_TOP);

            g.setColor(LABEL);
            BitmapFont.draw(g, label, MARGIN, LABEL_Y, LABEL_SCALE);
            // "UTC" sits after the clock, on its baseline; the clock's width never changes.
            g.setColor(Color.CYAN);
            int clockWidth = BitmapFont.width(CLOCK.format(Instant.EPOCH), CLOCK_SCALE);
            int utcY = CLOCK_Y + BitmapFont.height(CLOCK_SCALE) - BitmapFont.height(LABEL_SCALE);
            BitmapFont.draw(g, "UTC", MARGIN + clockWidth + 3 * LABEL_SCALE, utcY, LABEL_SCALE);
        } finally {
            g.dispose();
        }
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }

    private static int triangle(long t, long period, int amplitude) {
        long phase = t % period;
        long half = period / 2;
        long up = phase < half ? phase : period - phase;
        return (int) (up * amplitude / half);
    }

    private static String fit(String text, int maxChars) {
        return text.length() <= maxChars ? text : text.substring(0, maxChars - 1) + "~";
    }
}
