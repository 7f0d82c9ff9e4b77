package dev.vggstream.cli;

import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.ModelException;
import dev.vggstream.model.NpyArray;
import dev.vggstream.model.ModelText;
import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggSpec;
import dev.vggstream.model.VggTrainingGraph;
import dev.vggstream.model.WeightsException;
import dev.vggstream.train.EpochMetrics;
import dev.vggstream.train.InitialWeights;
import dev.vggstream.train.TrainConfig;
import dev.vggstream.train.TrainingData;
import dev.vggstream.train.TrainingListener;
import dev.vggstream.train.TrainingReport;
import dev.vggstream.train.TrainingResult;
import dev.vggstream.train.TrainingRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vggstream model train}: train a VGG on IDX files or an image folder and export it as a SavedModel. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a VGG on your own classes and export it as a SavedModel like 'model build' makes, with "
                + "metrics.json and training.png beside it.",
                "Images are prepared exactly as serving prepares them (resize the shorter side to "
                        + "round(S*256/224), center crop S, then the preprocessing)."})
final class ModelTrainCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = {"IDX files (a directory with train-images*/"
            + "train-labels* and t10k-images*/t10k-labels*, gzipped or not: MNIST, Fashion-MNIST), or an image folder "
            + "with one sub-folder per class, optionally split into train/ and test/ (or val/)"})
    Path data;

    @Option(names = "--epochs", defaultValue = "10", description = "Passes over the training images (default 10)")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per step (default 128)")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd (momentum, Nesterov) or adam (default sgd)")
    String optimizer;

    @Option(names = "--lr", description = "Peak learning rate (default: sgd 0.05 with --batch-norm, else 0.01; "
            + "adam 0.001)")
    Float lr;

    @Option(names = "--schedule", defaultValue = "cosine", description = "cosine, step (x0.1 at 50%% and 75%%) or "
            + "constant (default cosine)")
    String schedule;

    @Option(names = "--warmup", defaultValue = "1", description = "Linear learning-rate warm-up, in epochs (default 1)")
    double warmup;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default 0.9)")
    float momentum;

    @Option(names = "--no-nesterov", description = "Plain momentum instead of Nesterov's")
    boolean noNesterov;

    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "L2 weight decay on kernels (default 5e-4)")
    float weightDecay;

    @Option(names = "--augment", description = "Random crop with zero padding and random horizontal flip")
    boolean augment;

    @Option(names = "--padding", description = "Random-crop padding in pixels with --augment (default: size/8)")
    Integer padding;

    @Option(names = "--no-flip", description = "With --augment, no horizontal flips (e.g. for digits or text)")
    boolean noFlip;

    @Option(names = "--label-smoothing", defaultValue = "0", description = "Label smoothing (default 0)")
    float labelSmoothing;

    @Option(names = "--dropout", defaultValue = "0.5", description = "Dropout in the classifier (default 0.5, as "
            + "torchvision)")
    float dropout;

    @Option(names = "--init", description = "Start from these weights: a torchvision .npz or a SavedModel directory; "
            + "the classifier head (classifier.6) is replaced for the new classes")
    Path init;

    @Option(names = "--labels", description = "Class labels, one per line (IDX data; default: labels.txt beside the "
            + "files, Fashion-MNIST's names when the path says 'fashion', else 0..N-1)")
    Path labels;

    @Option(names = "--holdout", defaultValue = "0.1", description = "Fraction held out for testing when the data has "
            + "no test split (default 0.1)")
    double holdout;

    @Option(names = "--train-limit", description = "Use only the first N training images")
    Integer trainLimit;

    @Option(names = "--test-limit", description = "Use only the first N test images")
    Integer testLimit;

    @Option(names = "--threads", description = "TensorFlow threads (default: the number of processors)")
    Integer threads;

    @CommandLine.Mixin
    ModelOptions model = new ModelOptions();

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainingRun.Provenance provenance = new TrainingRun.Provenance(
                "vggstream " + String.join(" ", spec.commandLine().getParseResult().originalArgs()), Instant.now());
        PrintWriter w = spec.commandLine().getOut();
        TrainConfig config = config();
        Path out = model.out();
        Arguments.checkOut(out);
        TrainingRun.Data input = new TrainingRun.Data(data, labels == null ? null : Arguments.readLabels(labels),
                holdout, trainLimit, testLimit);
        TrainingData d = load(config, input, w);
        VggSpec vgg = Arguments.parse(() -> config.spec(d.labels()));
        Map<String, NpyArray> initial = init == null ? null : initialWeights(vgg);
        TrainingRun.Outcome o;
        try {
            o = TrainingRun.train(config, vgg, d, initial, input, out, provenance, new ProgressListener(w));
        } catch (IllegalStateException e) {
            throw new CliException(ExitCodes.FAILED, e.getMessage(), e);
        } catch (ModelException e) {
            throw new CliException(ExitCodes.FAILED, "cannot reload the exported model: " + e.getMessage(), e);
        }
        printSummary(w, o, d, out, provenance.started());
        TrainingReport.ExportCheck check = o.check();
        if (check.sameTop1() != check.images()) {
            throw new CliException(ExitCodes.FAILED, "the exported model disagrees with the training session on "
                    + (check.images() - check.sameTop1()) + " of " + check.images() + " test images");
        }
        return ExitCodes.OK;
    }

    private TrainingData load(TrainConfig config, TrainingRun.Data input, PrintWriter w) {
        if ((trainLimit != null && trainLimit < 2) || (testLimit != null && testLimit < 1)) {
            throw new CliException(ExitCodes.USAGE, "--train-limit must be at least 2 and --test-limit at least 1");
        }
        long t0 = System.nanoTime();
        TrainingData d;
        try {
            d = TrainingRun.load(config, input);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        w.printf(Locale.ROOT, "data: %d training and %d test images (%s), %d classes, prepared at %d px in %.1f s%n",
                d.train().size(), d.test().size(), d.testSource(), d.numClasses(), config.imageSize(),
                (System.nanoTime() - t0) / 1e9);
        w.flush();
        return d;
    }

    private void printSummary(PrintWriter w, TrainingRun.Outcome o, TrainingData d, Path out, Instant started) {
        TrainingResult result = o.result();
        w.printf(Locale.ROOT, "test accuracy %.2f%% (%d/%d), loss %.4f, after %d epochs; wall time %s%n",
                result.testAccuracy() * 100, o.correct(), d.test().size(), result.testLoss(), epochs,
                clock(o.finished().toEpochMilli() - started.toEpochMilli()));
        w.printf(Locale.ROOT, "export check: %d/%d test images with the same top-1 from the SavedModel, max |dp| %.2g%n",
                o.check().sameTop1(), o.check().images(), o.check().maxAbsDifference());
        w.printf(Locale.ROOT, "wrote %s (SavedModel %s, %,d parameters), %s, %s%n", out,
                ModelText.size(o.savedModelBytes()), result.parameters(), TrainingReport.METRICS_FILE,
                TrainingReport.CHART_FILE);
        w.flush();
    }

    private TrainConfig config() {
        VggArch a = model.arch();
        Preprocessing pre = model.preprocessing();
        TrainConfig.Schedule sched = Arguments.parse(() -> TrainConfig.Schedule.parse(schedule));
        boolean adam = switch (optimizer.trim().toLowerCase(Locale.ROOT)) {
            case "sgd" -> false;
            case "adam" -> true;
            default -> throw new CliException(ExitCodes.USAGE, "unknown optimizer '" + optimizer
                    + "': expected sgd or adam");
        };
        int size;
        try {
            size = model.imageSize != null ? model.imageSize : TrainingData.isIdx(data) ? VggSpec.MIN_IMAGE_SIZE
                    : VggSpec.DEFAULT_IMAGE_SIZE;
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot read " + data + ": " + e.getMessage(), e);
        }
        float rate = lr != null ? lr : adam ? 0.001f : model.batchNorm ? 0.05f : 0.01f;
        VggTrainingGraph.Optimizer opt = adam ? VggTrainingGraph.Optimizer.adam(weightDecay)
                : VggTrainingGraph.Optimizer.sgd(momentum, !noNesterov, weightDecay);
        int pad = padding != null ? padding : size / 8;
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (!(holdout > 0 && holdout < 1)) {
            throw new CliException(ExitCodes.USAGE, "--holdout must be in (0, 1), got " + holdout);
        }
        return Arguments.parse(() -> new TrainConfig(a, model.batchNorm, model.width, size, pre, epochs, batchSize,
                rate, sched, warmup, opt, augment, pad, !noFlip, labelSmoothing, dropout, model.seed, t));
    }

    private Map<String, NpyArray> initialWeights(VggSpec vgg) {
        try {
            return InitialWeights.forSpec(init, vgg, model.seed);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot read --init " + init + ": " + e.getMessage(), e);
        } catch (WeightsException e) {
            throw new CliException(ExitCodes.FAILED, init + " does not fit " + vgg.torchvisionName() + " at width "
                    + vgg.width() + ": " + e.getMessage(), e);
        }
    }

    private class ProgressListener implements TrainingListener {
        private final PrintWriter out;
        private Progress progress;

        ProgressListener(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void epochStarted(int epoch, int epochs, int images) {
            progress = Progress.start("epoch " + epoch + "/" + epochs, images, "img");
        }

        @Override
        public void batchDone(int images) {
            progress.set(images);
        }

        @Override
        public void evaluating(int epoch, int images) {
            progress.close();
        }

        @Override
        public void epochFinished(EpochMetrics m, int epochs) {
            out.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  train %.2f%%  test %.2f%% (loss %.4f)  lr %.5f  "
                            + "%.0f s  %.0f img/s%n", m.epoch(), epochs, m.trainLoss(), m.trainAccuracy() * 100,
                    m.testAccuracy() * 100, m.testLoss(), m.learningRate(), m.seconds(), m.imagesPerSecond());
            out.flush();
        }
    }

    private static String clock(long millis) {
        return Progress.clockText(millis / 1000);
    }
}
