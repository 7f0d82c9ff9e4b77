package dev.vggstream.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChartTest {

    static final List<Chart.Panel> PANELS = List.of(
            new Chart.Panel("1. Model alone", "images/s", List.of(
                    new Chart.Bar("batch 1", 12.5, 0), new Chart.Bar("batch 16", 30.0, 0))),
            new Chart.Panel("5. Latency", "ms", List.of(
                    new Chart.Bar("p50", 400, 0), new Chart.Bar("p99", 900, 1200))));

    @Test
    void theChartIsAPngThatReadsBackAtTheChartsWidthWithEveryPanelStackedAndItsBarsDrawn(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("chart.png");
        Chart.write(file, "vggstream benchmark", PANELS);

        BufferedImage png = ImageIO.read(file.toFile());
        assertThat(png).as("a PNG ImageIO can read").isNotNull();
        assertThat(png.getWidth()).isEqualTo(Chart.WIDTH);
        // two panels, each taller than a lone title
        assertThat(png.getHeight()).isGreaterThan(2 * 150);
        assertThat(pixels(png, 0, png.getHeight() / 2, Chart.MEASURED)).as("bars in the first panel").isPositive();
        assertThat(pixels(png, png.getHeight() / 2, png.getHeight(), Chart.MEASURED)).as("bars in the second")
                .isPositive();
    }

    @Test
    void aGoalIsDrawnOnlyInThePanelsThatHaveOne() {
        BufferedImage withGoal = Chart.image("t", PANELS.subList(1, 2));
        BufferedImage without = Chart.image("t", PANELS.subList(0, 1));

        assertThat(pixels(withGoal, 0, withGoal.getHeight(), Chart.GOAL)).isPositive();
        assertThat(pixels(without, 0, without.getHeight(), Chart.GOAL)).isZero();
    }

    @Test
    void aChartWithoutPanelsIsStillAValidImage(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("chart.png");
        Chart.write(file, "vggstream benchmark", List.of());

        assertThat(ImageIO.read(file.toFile())).isNotNull();
    }

    static int pixels(BufferedImage img, int fromY, int toY, Color colour) {
        int n = 0;
        for (int y = fromY; y < toY; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == (colour.getRGB() & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }
}
