package dev.vggstream.train;

import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggSpec;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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
    void theChartDrawsTrainAndTestCurvesAndTintsTheConfusionMatrixDiagonalBlueAndErrorsRed() {
        BufferedImage chart = TrainingReport.chart(result(), LABELS, "test");

        // curves: train blue, test red, in both the loss and the accuracy panels
        assertThat(leaning(chart, 60, 60, 520, 220, true)).isPositive();
        assertThat(leaning(chart, 60, 60, 520, 220, false)).isPositive();
        assertThat(leaning(chart, 60, 350, 520, 220, true)).isPositive();
        assertThat(leaning(chart, 60, 350, 520, 220, false)).isPositive();
        // 3 classes: 150 px cells; the centre of (0, 0) is blue, of (1, 2) red, of (0, 2) (no images) white
        int cell = 450 / 3;
        int x = TrainingReport.MATRIX_X + cell / 2;
        int y = TrainingReport.MATRIX_Y + cell / 2;
        assertThat(blueMinusRed(chart.getRGB(x + 20, y + 20))).isGreaterThan(40);
        assertThat(blueMinusRed(chart.getRGB(x + 2 * cell + 20, y + cell + 20))).isLessThan(-40);
        assertThat(chart.getRGB(x + 2 * cell, y) & 0xffffff).isEqualTo(0xffffff);
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

    static int blueMinusRed(int rgb) {
        return (rgb & 0xff) - ((rgb >> 16) & 0xff);
    }

    static int leaning(BufferedImage img, int x0, int y0, int w, int h, boolean blue) {
        int n = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int d = blueMinusRed(img.getRGB(x, y));
                if (blue ? d >= 40 : d <= -40) {
                    n++;
                }
            }
        }
        return n;
    }
}
