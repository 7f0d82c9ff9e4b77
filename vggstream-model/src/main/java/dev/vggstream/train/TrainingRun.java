package dev.vggstream.train;

import dev.vggstream.image.ImagePreparer;
import dev.vggstream.inference.ModelException;
import dev.vggstream.model.ModelInspector;
import dev.vggstream.model.NpyArray;
import dev.vggstream.model.VggSpec;
import dev.vggstream.model.WeightsException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A training run from data to a servable model: the data prepared as serving prepares images, the training, the
 * SavedModel exported, the export checked against the training session, {@value TrainingReport#METRICS_FILE} and
 * {@value TrainingReport#CHART_FILE} written beside it.
 */
public final class TrainingRun {

    /**
     * Where the data is and how much of it to use.
     *
     * @param labels     class labels for IDX data; null: from the data
     * @param trainLimit null: every training image
     * @param testLimit  null: every test image
     */
    public record Data(Path path, List<String> labels, double holdout, Integer trainLimit, Integer testLimit) {
    }

    /** Who asked for the run (stored in the model and the metrics) and when it started. */
    public record Provenance(String command, Instant started) {
    }

    /** What a finished run made. */
    public record Outcome(TrainingResult result, TrainingReport.ExportCheck check, long savedModelBytes,
                          Instant finished) {

        /** Test images whose top-1 class was right. */
        public int correct() {
            int n = 0;
            for (int i = 0; i < result.confusion().length; i++) {
                n += result.confusion()[i][i];
            }
            return n;
        }
    }

    private TrainingRun() {
    }

    /**
     * The data at {@code config}'s input size and preprocessing, limited as asked; an IOException when it cannot be
     * read, an IllegalArgumentException when it is not training data.
     */
    public static TrainingData load(TrainConfig config, Data data) throws IOException {
        return TrainingData.load(data.path(), preparer(config), data.labels(), data.holdout(), config.seed())
                .limited(data.trainLimit(), data.testLimit());
    }

    /** Trains {@code vgg} on {@code d} (from {@code initial} weights, or none), then exports and reports to {@code out}. */
    public static Outcome train(TrainConfig config, VggSpec vgg, TrainingData d, Map<String, NpyArray> initial,
                                Data data, Path out, Provenance provenance, TrainingListener listener)
            throws IOException, WeightsException, ModelException {
        TrainingResult result = new Trainer(config, listener).train(d, initial);
        String dataName = data.path().getFileName().toString();
        String source = String.format(Locale.ROOT, "trained:%s (%d images, %d epochs, test accuracy %.4f)",
                dataName, d.train().size(), config.epochs(), result.testAccuracy());
        TrainingExport.save(out, vgg, result, source, provenance.command());
        long savedBytes = ModelInspector.sizeOnDisk(out);
        TrainingReport.ExportCheck check = TrainingExport.check(out, d.test(), result, preparer(config));
        Instant finished = Instant.now();
        TrainingReport.writeMetrics(out.resolve(TrainingReport.METRICS_FILE), TrainingReport.metrics(result, config,
                d, data.path(), provenance.command(), provenance.started(), finished, check));
        TrainingReport.writeChart(out.resolve(TrainingReport.CHART_FILE), result, d.labels(),
                String.format(Locale.ROOT, "%s width %s, %d px, %d epochs on %s: test accuracy %.2f%%",
                        vgg.torchvisionName(), vgg.width(), vgg.imageSize(), config.epochs(), dataName,
                        result.testAccuracy() * 100));
        return new Outcome(result, check, savedBytes, finished);
    }

    private static ImagePreparer preparer(TrainConfig config) {
        return new ImagePreparer(config.imageSize(), config.imageSize(), config.preprocessing());
    }
}
