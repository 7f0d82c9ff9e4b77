package dev.vggstream.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HorizontalBarChart;
import org.knowm.xchart.HorizontalBarChartBuilder;
import org.knowm.xchart.style.HorizontalBarStyler;
import org.knowm.xchart.style.Styler;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The benchmark's PNG chart (XChart): one horizontal bar chart per panel, stacked top to bottom. */
final class Chart {

    static final int WIDTH = 1100;
    static final Color MEASURED = new Color(66, 133, 244);
    static final Color GOAL = new Color(219, 68, 55);
    private static final int ROW_HEIGHT = 30;
    private static final int PANEL_FRAME = 110;

    /** A labelled value; {@code reference}, when positive, is shown beside it as a goal bar. */
    record Bar(String label, double value, double reference) {
    }

    /** A titled group of bars sharing one scale. */
    record Panel(String title, String unit, List<Bar> bars) {
    }

    private Chart() {
    }

    static void write(Path file, String title, List<Panel> panels) throws IOException {
        ImageIO.write(image(title, panels), "png", file.toFile());
    }

    /** The panels' charts, each drawn by XChart, one under the other; {@code title} heads the first. */
    static BufferedImage image(String title, List<Panel> panels) {
        List<BufferedImage> parts = new ArrayList<>();
        for (int i = 0; i < panels.size(); i++) {
            parts.add(BitmapEncoder.getBufferedImage(panel(i == 0 ? title + ": " : "", panels.get(i))));
        }
        int height = Math.max(1, parts.stream().mapToInt(BufferedImage::getHeight).sum());
        BufferedImage sheet = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            int y = 0;
            for (BufferedImage part : parts) {
                g.drawImage(part, 0, y, null);
                y += part.getHeight();
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    private static HorizontalBarChart panel(String prefix, Panel p) {
        boolean goals = p.bars().stream().anyMatch(b -> b.reference() > 0);
        int rows = p.bars().size() * (goals ? 2 : 1);
        HorizontalBarChart chart = new HorizontalBarChartBuilder().width(WIDTH)
                .height(PANEL_FRAME + Math.max(1, rows) * ROW_HEIGHT)
                .title(prefix + p.title()).xAxisTitle(p.unit()).build();
        HorizontalBarStyler style = chart.getStyler();
        style.setLabelsVisible(true);
        // the category axis is XChart's x axis turned; its default spacing (74 px) would skip every other label
        style.setXAxisTickMarkSpacingHint(ROW_HEIGHT / 2);
        style.setXAxisMin(0.0);
        style.setLegendVisible(goals);
        style.setLegendPosition(Styler.LegendPosition.OutsideE);
        style.setChartBackgroundColor(Color.WHITE);
        style.setDecimalPattern("#,##0.0");
        List<String> labels = p.bars().stream().map(Bar::label).toList();
        if (labels.isEmpty()) {
            return chart;
        }
        chart.addSeries("measured", p.bars().stream().map(b -> (Number) Math.max(0, b.value())).toList(), labels)
                .setFillColor(MEASURED);
        if (goals) {
            chart.addSeries("goal", p.bars().stream().map(b -> (Number) Math.max(0, b.reference())).toList(), labels)
                    .setFillColor(GOAL);
        }
        return chart;
    }
}
