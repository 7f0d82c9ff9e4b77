package dev.vggstream.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A plain PNG chart (Java2D, no dependency): horizontal bars, one panel per series group. */
final class Chart {

    /** A labelled value; {@code reference}, when positive, is drawn as a goal line. */
    record Bar(String label, double value, double reference) {
    }

    /** A titled group of bars sharing one scale. */
    record Panel(String title, String unit, List<Bar> bars) {
    }

    private Chart() {
    }

    static void write(Path file, String title, List<Panel> panels) throws IOException {
        int width = 1100;
        int rowH = 22;
        int panelGap = 50;
        int height = 60 + panels.stream().mapToInt(p -> p.bars().size() * rowH + panelGap).sum();
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 20, 30);
        int y = 60;
        int labelW = 330;
        int barMax = width - labelW - 150;
        for (Panel p : panels) {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.setColor(Color.DARK_GRAY);
            g.drawString(p.title() + " (" + p.unit() + ")", 20, y);
            y += 10;
            double max = 1e-9;
            for (Bar b : p.bars()) {
                max = Math.max(max, Math.max(b.value(), b.reference()));
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (Bar b : p.bars()) {
                g.setColor(Color.BLACK);
                g.drawString(b.label(), 20, y + 15);
                int w = (int) (barMax * Math.max(0, b.value()) / max);
                g.setColor(new Color(66, 133, 244));
                g.fillRect(labelW, y + 3, w, rowH - 6);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.1f", b.value()), labelW + w + 6, y + 15);
                if (b.reference() > 0) {
                    int x = labelW + (int) (barMax * b.reference() / max);
                    g.setColor(new Color(219, 68, 55));
                    g.setStroke(new BasicStroke(2));
                    g.drawLine(x, y, x, y + rowH);
                }
                y += rowH;
            }
            y += panelGap - 10;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
