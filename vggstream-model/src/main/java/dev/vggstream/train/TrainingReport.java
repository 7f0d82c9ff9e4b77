package dev.vggstream.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** {@value #METRICS_FILE} and {@value #CHART_FILE}: what a training run did, for people and for scripts. */
public final class TrainingReport {

    public static final String METRICS_FILE = "metrics.json";
    public static final String CHART_FILE = "training.png";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color TEST = new Color(0xd62728);
    /** Top-left corner of the confusion matrix in the chart. */
    static final int MATRIX_X = 680;
    static final int MATRIX_Y = 60;

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
            int total = 0;
            for (int v : c[i]) {
                total += v;
            }
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

    /** Training curves (loss, accuracy per epoch) on the left, the test confusion matrix on the right. */
    public static BufferedImage chart(TrainingResult result, List<String> labels, String title) {
        int w = 1280;
        int h = 660;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, 20, 26);
            List<EpochMetrics> e = result.epochs();
            plot(g, 60, 60, 520, 220, "loss (cross-entropy)", e, false,
                    List.of(EpochMetrics::trainLoss, EpochMetrics::testLoss));
            plot(g, 60, 350, 520, 220, "accuracy", e, true,
                    List.of(EpochMetrics::trainAccuracy, EpochMetrics::testAccuracy));
            confusion(g, MATRIX_X, MATRIX_Y, 450, result.confusion(), labels,
                    String.format(Locale.ROOT, "test confusion matrix (accuracy %.2f%%)", result.testAccuracy() * 100));
        } finally {
            g.dispose();
        }
        return img;
    }

    public static void writeChart(Path file, TrainingResult result, List<String> labels, String title)
            throws IOException {
        ImageIO.write(chart(result, labels, title), "png", file.toFile());
    }

    private static void plot(Graphics2D g, int x0, int y0, int w, int h, String name, List<EpochMetrics> epochs,
                             boolean accuracy, List<ToDoubleFunction<EpochMetrics>> series) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (EpochMetrics e : epochs) {
            for (ToDoubleFunction<EpochMetrics> s : series) {
                double v = s.applyAsDouble(e);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (accuracy) {
            hi = Math.min(1, Math.ceil(hi * 20 + 1e-9) / 20);
            lo = Math.max(0, Math.floor(lo * 20 - 1e-9) / 20);
        } else {
            lo = 0;
            hi = hi <= 0 ? 1 : hi * 1.05;
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        g.setColor(Color.BLACK);
        g.drawString(name, x0, y0 - 8);
        g.setColor(new Color(0xeeeeee));
        int n = epochs.size();
        for (int t = 0; t <= 4; t++) {
            int y = y0 + h - t * h / 4;
            g.drawLine(x0, y, x0 + w, y);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(x0, y0, w, h);
        for (int t = 0; t <= 4; t++) {
            double v = lo + (hi - lo) * t / 4;
            int y = y0 + h - t * h / 4;
            String label = accuracy ? String.format(Locale.ROOT, "%.0f%%", v * 100) : String.format(Locale.ROOT, "%.2f", v);
            g.drawString(label, x0 - 6 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        int ticks = Math.min(n, 10);
        for (int t = 0; t < ticks; t++) {
            int epoch = n <= 1 ? 1 : 1 + (int) Math.round((double) t * (n - 1) / Math.max(1, ticks - 1));
            int x = xOf(epoch, n, x0, w);
            g.drawString(Integer.toString(epoch), x - 4, y0 + h + 16);
        }
        g.drawString("epoch", x0 + w / 2 - 16, y0 + h + 32);
        Color[] colors = {TRAIN, TEST};
        String[] names = {"train", "test"};
        for (int s = 0; s < series.size(); s++) {
            g.setColor(colors[s]);
            g.setStroke(new BasicStroke(2f));
            Path2D path = new Path2D.Double();
            for (int i = 0; i < n; i++) {
                double v = series.get(s).applyAsDouble(epochs.get(i));
                double x = xOf(i + 1, n, x0, w);
                double y = y0 + h - (v - lo) / (hi - lo) * h;
                if (i == 0) {
                    path.moveTo(x, y);
                } else {
                    path.lineTo(x, y);
                }
                g.fillOval((int) x - 3, (int) y - 3, 6, 6);
            }
            g.draw(path);
            g.setStroke(new BasicStroke(1f));
            int lx = x0 + w - 110 + s * 55;
            g.fillRect(lx, y0 - 18, 12, 4);
            g.drawString(names[s], lx + 15, y0 - 12);
        }
    }

    private static int xOf(int epoch, int n, int x0, int w) {
        return n <= 1 ? x0 + w / 2 : x0 + 10 + (int) Math.round((double) (epoch - 1) * (w - 20) / (n - 1));
    }

    private static void confusion(Graphics2D g, int x0, int y0, int size, int[][] c, List<String> labels, String title) {
        int k = c.length;
        int cell = Math.max(4, size / Math.max(1, k));
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(title, x0, y0 - 8);
        Font cellFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(7, Math.min(12, cell / 4)));
        for (int i = 0; i < k; i++) {
            int total = 0;
            for (int v : c[i]) {
                total += v;
            }
            for (int j = 0; j < k; j++) {
                double f = total == 0 ? 0 : (double) c[i][j] / total;
                int shade = (int) Math.round(255 * (1 - Math.sqrt(f)));
                g.setColor(i == j ? new Color(shade, shade, 255) : new Color(255, shade, shade));
                g.fillRect(x0 + j * cell, y0 + i * cell, cell, cell);
                g.setColor(new Color(0xdddddd));
                g.drawRect(x0 + j * cell, y0 + i * cell, cell, cell);
                if (cell >= 24 && c[i][j] > 0) {
                    g.setFont(cellFont);
                    g.setColor(f > 0.5 ? Color.WHITE : Color.BLACK);
                    String s = Integer.toString(c[i][j]);
                    FontMetrics fm = g.getFontMetrics();
                    g.drawString(s, x0 + j * cell + (cell - fm.stringWidth(s)) / 2, y0 + i * cell + cell / 2 + 4);
                }
            }
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        if (k <= 40) {
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < k; i++) {
                String label = shorten(labels.get(i), 13);
                g.drawString(label, x0 + k * cell + 6, y0 + i * cell + cell / 2 + 4);
                // column labels, rotated
                Graphics2D r = (Graphics2D) g.create();
                r.translate(x0 + j(i, cell) + 4, y0 + k * cell + 6);
                r.rotate(Math.PI / 2);
                r.drawString(label, 0, 0);
                r.dispose();
            }
            g.drawString("rows: true class; columns: predicted class", x0, y0 + k * cell + 16
                    + Math.min(100, labels.stream().mapToInt(l -> fm.stringWidth(shorten(l, 13))).max().orElse(0)));
        }
    }

    private static int j(int i, int cell) {
        return i * cell + cell / 2;
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
