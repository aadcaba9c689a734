package dev.descent.lessons;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A white image to draw a lesson's picture on with Java2D (smoothed shapes and text), written as a PNG: what the
 * pictures that are not charts (a computation graph, heatmaps) start from.
 */
public final class Canvas {
    private final BufferedImage image;
    private final Graphics2D graphics;

    public Canvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        graphics = image.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, width, height);
        graphics.setColor(Color.BLACK);
    }

    public Graphics2D graphics() {
        return graphics;
    }

    /** Writes {@code text} in black, centred on {@code x}, on the given baseline. */
    public void centred(String text, Font font, double x, double baseline) {
        graphics.setFont(font);
        graphics.setColor(Color.BLACK);
        graphics.drawString(text, (float) (x - graphics.getFontMetrics().stringWidth(text) / 2.0), (float) baseline);
    }

    /** Finishes the drawing and writes it as a PNG. */
    public Path save(Path png) {
        graphics.dispose();
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            ImageIO.write(image, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + png, e);
        }
        return png;
    }
}
