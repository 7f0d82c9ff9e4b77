package dev.vggstream.train;

import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class TrainingReportTest {

    static final List<String> LABELS = List.of("cat", "dog", "owl");

    static TrainingResult result() {
        VggSpec spec = VggSpec.of(VggArch.VGG11, true, 3, 32, 0.0625).withLabels(LABELS);
        List<EpochMetrics> epochs = List.of(
                new EpochMetrics(1, 0.05, 1.0, 0.50, 0.9, 0.60, 10, 100, 1),
                new EpochMetrics(2, 0.02, 0.6, 0.70, 0.7, 0.65, 10, 100, 1),
                new EpochMetrics(3, 0.00, 0.3, 0.90, 0.6, 0.70, 10, 100, 1));
        int[][] confusion = {{8, 2, 0}, {1, 6, 3}, {0, 3, 7}};
        return new TrainingResult(spec, epochs, 0.7, 0.6, confusion, new float[0], Map.of(), 1234, 30);
    }

    @Test
    void theChartDrawsTrainAndTestCurvesInTheLossAndAccuracyPanelsAndShadesTheConfusionMatrix() {
        BufferedImage chart = TrainingReport.chart(result(), LABELS, "test");

        int half = TrainingReport.HEIGHT / 2;
        int curves = TrainingReport.CURVES_WIDTH;
        assertThat(count(chart, 0, 0, curves, half, TrainingReport.TRAIN)).as("train loss").isPositive();
        assertThat(count(chart, 0, 0, curves, half, TrainingReport.TEST)).as("test loss").isPositive();
        assertThat(count(chart, 0, half, curves, half, TrainingReport.TRAIN)).as("train accuracy").isPositive();
        assertThat(count(chart, 0, half, curves, half, TrainingReport.TEST)).as("test accuracy").isPositive();
        // the matrix: cells shaded between white (0 %) and the matrix colour (100 %); 80 % is the darkest cell
        int width = TrainingReport.WIDTH - curves;
        assertThat(count(chart, curves, 0, width, TrainingReport.HEIGHT, TrainingReport.MATRIX))
                .as("no cell is a full 100 %").isZero();
        assertThat(darkestBlueShade(chart, curves, width)).isLessThan(0x80);
    }

    @Test
    void theChartWrittenAsPngReadsBackAtItsSizeAndIsNotBlank(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(TrainingReport.CHART_FILE);
        TrainingReport.writeChart(file, result(), LABELS, "test");

        BufferedImage png = ImageIO.read(file.toFile());
        assertThat(png).isNotNull();
        assertThat(png.getWidth()).isEqualTo(TrainingReport.WIDTH);
        assertThat(png.getHeight()).isEqualTo(TrainingReport.HEIGHT);
        assertThat(IntStream.range(0, png.getWidth() * png.getHeight())
                .map(i -> png.getRGB(i % png.getWidth(), i / png.getWidth()) & 0xffffff).distinct().count())
                .as("distinct colours").isGreaterThan(10);
    }

    @Test
    void theAccuracyAxisWidensTheCurvesByAFivePercentStepEachSideWithinZeroAndOne() {
        // the curves span 50 %..90 %
        assertThat(TrainingReport.accuracyRange(result().epochs())).containsExactly(0.45, 0.95);
        List<EpochMetrics> perfect = List.of(new EpochMetrics(1, 0.1, 0.1, 1.0, 0.1, 1.0, 1, 1, 1));
        assertThat(TrainingReport.accuracyRange(perfect)).containsExactly(0.95, 1.0);
    }

    @Test
    void metricsCarryTheEpochsThePerClassAccuracyAndTheConfusionMatrix() {
        Map<String, Object> m = TrainingReport.metrics(result(), TrainFixtures.config(0.0625, 3, 32, 0.05f, true, 0.5f),
                new TrainingData(empty(), empty(), LABELS, "folder", "test/ folder"), Path.of("pets"), "vggstream x",
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:01:30Z"), null);

        assertThat(m.get("wall_seconds")).isEqualTo(90.0);
        assertThat((List<?>) m.get("epochs")).hasSize(3);
        assertThat(m.get("per_class_accuracy")).isEqualTo(Map.of("cat", 0.8, "dog", 0.6, "owl", 0.7));
        @SuppressWarnings("unchecked")
        Map<String, Object> confusion = (Map<String, Object>) m.get("confusion_matrix");
        assertThat(confusion.get("labels")).isEqualTo(LABELS);
        assertThat(confusion.get("matrix")).isEqualTo(result().confusion());
    }

    static PreparedImages empty() {
        return new PreparedImages(32, List.of(), new int[0], List.of());
    }

    static int count(BufferedImage img, int x0, int y0, int w, int h, Color colour) {
        int n = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                if ((img.getRGB(x, y) & 0xffffff) == (colour.getRGB() & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The red channel of the darkest bluish pixel right of x0: low when some cell is strongly shaded. */
    static int darkestBlueShade(BufferedImage img, int x0, int w) {
        int darkest = 0xff;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = x0; x < x0 + w; x++) {
                int rgb = img.getRGB(x, y);
                int red = (rgb >> 16) & 0xff;
                if ((rgb & 0xff) - red > 60) {
                    darkest = Math.min(darkest, red);
                }
            }
        }
        return darkest;
    }
}
