package dev.vggstream.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

/** {@value #METRICS_FILE} and {@value #CHART_FILE}: what a training run did, for people and for scripts. */
public final class TrainingReport {

    public static final String METRICS_FILE = "metrics.json";
    public static final String CHART_FILE = "training.png";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final Color TRAIN = new Color(0x1f77b4);
    static final Color TEST = new Color(0xd62728);
    static final Color MATRIX = new Color(0x08306b);
    static final int WIDTH = 1280;
    static final int HEIGHT = 660;
    /** The curves take the left part, the confusion matrix the rest. */
    static final int CURVES_WIDTH = 620;

    private TrainingReport() {
    }

    /** How the exported SavedModel compared with the training session on test images. */
    public record ExportCheck(int images, int sameTop1, double maxAbsDifference) {
    }

    /** The metrics as a JSON tree (maps and lists), in the order written. */
    public static Map<String, Object> metrics(TrainingResult result, TrainConfig config, TrainingData data,
                                              Path dataPath, String command, Instant started, Instant finished,
                                              ExportCheck check) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", command);
        m.put("started", started.toString());
        m.put("finished", finished.toString());
        m.put("wall_seconds", round((finished.toEpochMilli() - started.toEpochMilli()) / 1000.0, 1));
        m.put("train_seconds", round(result.trainSeconds(), 1));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("path", dataPath.toString());
        d.put("format", data.format());
        d.put("train_images", data.train().size());
        d.put("test_images", data.test().size());
        d.put("test_source", data.testSource());
        d.put("labels", data.labels());
        m.put("data", d);
        m.put("hyperparameters", config.describe());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", result.spec().torchvisionName());
        model.put("parameters", result.parameters());
        model.put("num_classes", result.spec().numClasses());
        m.put("model", model);
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (EpochMetrics e : result.epochs()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", e.epoch());
            row.put("learning_rate", round(e.learningRate(), 6));
            row.put("train_loss", round(e.trainLoss(), 5));
            row.put("train_accuracy", round(e.trainAccuracy(), 5));
            row.put("test_loss", round(e.testLoss(), 5));
            row.put("test_accuracy", round(e.testAccuracy(), 5));
            row.put("seconds", round(e.seconds(), 2));
            row.put("images_per_second", round(e.imagesPerSecond(), 1));
            row.put("eval_seconds", round(e.evalSeconds(), 2));
            epochs.add(row);
        }
        m.put("epochs", epochs);
        m.put("test_accuracy", round(result.testAccuracy(), 5));
        m.put("test_loss", round(result.testLoss(), 5));
        Map<String, Object> perClass = new LinkedHashMap<>();
        int[][] c = result.confusion();
        for (int i = 0; i < c.length; i++) {
            int total = IntStream.of(c[i]).sum();
            perClass.put(data.labels().get(i), total == 0 ? null : round((double) c[i][i] / total, 4));
        }
        m.put("per_class_accuracy", perClass);
        Map<String, Object> confusion = new LinkedHashMap<>();
        confusion.put("rows", "true class");
        confusion.put("columns", "predicted class");
        confusion.put("labels", data.labels());
        confusion.put("matrix", c);
        m.put("confusion_matrix", confusion);
        if (check != null) {
            Map<String, Object> ec = new LinkedHashMap<>();
            ec.put("images", check.images());
            ec.put("same_top1", check.sameTop1());
            ec.put("max_abs_probability_difference", check.maxAbsDifference());
            m.put("export_check", ec);
        }
        return m;
    }

    public static void writeMetrics(Path file, Map<String, Object> metrics) throws IOException {
        JSON.writeValue(file.toFile(), metrics);
    }

    /** Training curves (loss, accuracy per epoch) on the left, the test confusion matrix on the right (XChart). */
    public static BufferedImage chart(TrainingResult result, List<String> labels, String title) {
        List<EpochMetrics> e = result.epochs();
        XYChart loss = curves(title + ": loss (cross-entropy)", e, EpochMetrics::trainLoss, EpochMetrics::testLoss);
        loss.getStyler().setYAxisMin(0.0);
        loss.getStyler().setYAxisDecimalPattern("0.00");
        XYChart accuracy = curves("accuracy", e, EpochMetrics::trainAccuracy, EpochMetrics::testAccuracy);
        double[] range = accuracyRange(e);
        accuracy.getStyler().setYAxisMin(range[0]);
        accuracy.getStyler().setYAxisMax(range[1]);
        accuracy.getStyler().setYAxisDecimalPattern("0%");
        // accuracy rises: its legend goes low, out of the curves' way
        accuracy.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        HeatMapChart matrix = confusion(result.confusion(), labels,
                String.format(Locale.ROOT, "test confusion matrix, %% of each true class (accuracy %.2f%%)",
                        result.testAccuracy() * 100));
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.drawImage(BitmapEncoder.getBufferedImage(loss), 0, 0, null);
            g.drawImage(BitmapEncoder.getBufferedImage(accuracy), 0, HEIGHT / 2, null);
            g.drawImage(BitmapEncoder.getBufferedImage(matrix), CURVES_WIDTH, 0, null);
        } finally {
            g.dispose();
        }
        return img;
    }

    public static void writeChart(Path file, TrainingResult result, List<String> labels, String title)
            throws IOException {
        ImageIO.write(chart(result, labels, title), "png", file.toFile());
    }

    private static XYChart curves(String name, List<EpochMetrics> epochs, ToDoubleFunction<EpochMetrics> train,
                                  ToDoubleFunction<EpochMetrics> test) {
        XYChart chart = new XYChartBuilder().width(CURVES_WIDTH).height(HEIGHT / 2).title(name)
                .xAxisTitle("epoch").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setMarkerSize(6);
        double[] x = epochs.stream().mapToDouble(EpochMetrics::epoch).toArray();
        chart.getStyler().setSeriesColors(new Color[] {TRAIN, TEST});
        chart.addSeries("train", x, epochs.stream().mapToDouble(train).toArray());
        chart.addSeries("test", x, epochs.stream().mapToDouble(test).toArray());
        return chart;
    }

    /** The accuracy axis: the curves' range widened to whole 5 % steps, within 0..1. */
    static double[] accuracyRange(List<EpochMetrics> epochs) {
        DoubleSummaryStatistics s = epochs.stream()
                .flatMapToDouble(e -> DoubleStream.of(e.trainAccuracy(), e.testAccuracy())).summaryStatistics();
        double lo = s.getCount() == 0 ? 0 : Math.max(0, Math.floor(s.getMin() * 20 - 1e-9) / 20);
        double hi = s.getCount() == 0 ? 1 : Math.min(1, Math.ceil(s.getMax() * 20 + 1e-9) / 20);
        return hi - lo < 1e-9 ? new double[] {Math.max(0, hi - 0.05), Math.max(hi, 0.05)} : new double[] {lo, hi};
    }

    /** Cells coloured by the share of each true class (row) predicted as each class (column). */
    private static HeatMapChart confusion(int[][] c, List<String> labels, String title) {
        int k = c.length;
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH - CURVES_WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("predicted class").yAxisTitle("true class").build();
        HeatMapStyler style = chart.getStyler();
        style.setChartBackgroundColor(Color.WHITE);
        style.setRangeColors(new Color[] {Color.WHITE, MATRIX});
        style.setMin(0);
        style.setMax(100);
        style.setShowValue(k <= 12);
        style.setHeatMapValueDecimalPattern("0");
        style.setLegendVisible(false);
        style.setAxisTicksVisible(k <= 40);
        List<String> columns = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            columns.add(shorten(labels.get(i), 13));
            // true classes top to bottom, as in metrics.json: the chart's y axis counts from the bottom
            rows.add(0, shorten(labels.get(i), 13));
            int total = IntStream.of(c[i]).sum();
            for (int j = 0; j < k; j++) {
                cells.add(new Number[] {j, k - 1 - i, total == 0 ? 0 : 100.0 * c[i][j] / total});
            }
        }
        chart.addSeries("confusion", columns, rows, cells);
        return chart;
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
