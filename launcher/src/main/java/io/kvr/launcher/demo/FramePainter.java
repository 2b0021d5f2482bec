package io.kvr.launcher.demo;

import java.awt.image.BufferedImage;

/** Draws one picture of the demo camera; called on the camera's own thread only. */
@FunctionalInterface
interface FramePainter {

    /**
     * Paints frame {@code frameNumber} (counted from 0 at camera start, at the camera's frame
     * rate) whose capture time is {@code epochMillis}, over the whole of {@code image}.
     */
    void paint(BufferedImage image, long frameNumber, long epochMillis);
}
