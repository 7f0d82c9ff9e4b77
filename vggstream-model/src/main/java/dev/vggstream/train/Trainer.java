package dev.vggstream.train;

import dev.vggstream.image.ImagePreparer;
import dev.vggstream.model.NpyArray;
import dev.vggstream.model.Parameter;
import dev.vggstream.model.VggModel;
import dev.vggstream.model.VggSpec;
import dev.vggstream.model.VggTrainingGraph;
import dev.vggstream.model.WeightsException;
import org.tensorflow.proto.ConfigProto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a VGG on prepared images. Every image the network sees went through the serving preparation
 * ({@link ImagePreparer#resizeAndCrop} when loaded, {@link ImagePreparer#toFloats} per batch); augmentation moves
 * and mirrors the prepared pixels only. One seed decides the initial weights, the order of the images, the
 * augmentation and the dropout masks.
 */
public final class Trainer {

    private final TrainConfig config;
    private final TrainingListener listener;

    public Trainer(TrainConfig config, TrainingListener listener) {
        this.config = config;
        this.listener = listener == null ? TrainingListener.NONE : listener;
    }

    /**
     * Trains on {@code data.train()}, evaluating on {@code data.test()} after every epoch.
     *
     * @param initial starting weights in torchvision's layout (see {@link InitialWeights}), or null for
     *                torchvision's random initialisation with the config's seed
     */
    public TrainingResult train(TrainingData data, Map<String, NpyArray> initial) throws WeightsException {
        VggSpec spec = config.spec(data.labels());
        if (data.train().side() != spec.imageSize()) {
            throw new IllegalArgumentException("images are prepared at " + data.train().side() + " px, the model takes "
                    + spec.imageSize());
        }
        Map<String, NpyArray> start = initial != null ? initial : randomWeights(spec, config.seed());
        ConfigProto session = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(config.threads())
                .setInterOpParallelismThreads(1)
                .build();
        ImagePreparer preparer = new ImagePreparer(spec.imageSize(), spec.imageSize(), spec.preprocessing());
        try (VggTrainingGraph net = VggTrainingGraph.build(spec, config.optimizer(), session)) {
            net.loadWeights(start);
            return run(net, spec, preparer, data);
        }
    }

    /** torchvision's initialisation ({@link VggModel#initializeRandom}) with {@code seed}. */
    public static Map<String, NpyArray> randomWeights(VggSpec spec, long seed) {
        try (VggModel model = VggModel.create(spec)) {
            model.initializeRandom(seed);
            return model.weights();
        }
    }

    private TrainingResult run(VggTrainingGraph net, VggSpec spec, ImagePreparer preparer, TrainingData data) {
        PreparedImages train = data.train();
        PreparedImages test = data.test();
        int classes = spec.numClasses();
        int side = spec.imageSize();
        int batch = config.batchSize();
        int fc = spec.fcWidth();
        int floats = side * side * 3;
        // a last batch of one image has no batch variance: leave it out of that epoch
        int usable = train.size() % batch == 1 ? train.size() - 1 : train.size();
        if (usable < 2) {
            throw new IllegalArgumentException("need at least 2 training images, got " + train.size());
        }
        int stepsPerEpoch = (usable + batch - 1) / batch;
        long totalSteps = (long) stepsPerEpoch * config.epochs();
        long warmup = Math.min(totalSteps, Math.round(config.warmupEpochs() * stepsPerEpoch));

        SplittableRandom random = new SplittableRandom(config.seed());
        float[] x = new float[batch * floats];
        float[] targets = new float[batch * classes];
        float[] mask1 = new float[batch * fc];
        float[] mask2 = new float[batch * fc];
        byte[] scratch = new byte[floats];
        dev.vggstream.image.RgbImage scratchImage = new dev.vggstream.image.RgbImage(side, side, scratch);
        float keep = 1f / (1f - config.dropout());
        float off = config.labelSmoothing() / classes;
        float on = 1f - config.labelSmoothing() + off;

        List<EpochMetrics> epochs = new ArrayList<>();
        Evaluation last = null;
        long step = 0;
        double trainNanos = 0;
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            listener.epochStarted(epoch, config.epochs(), usable);
            shuffle(order, random);
            long started = System.nanoTime();
            double lossSum = 0;
            long correct = 0;
            double lr = 0;
            for (int first = 0; first < usable; first += batch) {
                int n = Math.min(batch, usable - first);
                Arrays.fill(targets, 0, n * classes, off);
                for (int k = 0; k < n; k++) {
                    int idx = order[first + k];
                    byte[] px = train.pixels(idx);
                    if (config.augment()) {
                        Augment.cropAndFlip(px, scratch, side, config.padding(), config.flip(), random);
                        preparer.toFloats(scratchImage, x, k * floats);
                    } else {
                        preparer.toFloats(train.image(idx), x, k * floats);
                    }
                    targets[k * classes + train.label(idx)] = on;
                }
                fillMask(mask1, n * fc, keep, random);
                fillMask(mask2, n * fc, keep, random);
                lr = config.learningRateAt(step, totalSteps, warmup);
                VggTrainingGraph.StepResult r = net.step(slice(x, n * floats), slice(targets, n * classes),
                        slice(mask1, n * fc), slice(mask2, n * fc), n, (float) lr);
                if (!Float.isFinite(r.loss())) {
                    throw new IllegalStateException("training diverged in epoch " + epoch + " (loss " + r.loss()
                            + " at learning rate " + (float) lr + "): try a lower --lr");
                }
                lossSum += (double) r.loss() * n;
                for (int k = 0; k < n; k++) {
                    if (argmax(r.logits(), k * classes, classes) == train.label(order[first + k])) {
                        correct++;
                    }
                }
                step++;
                listener.batchDone(first + n);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            trainNanos += seconds * 1e9;
            listener.evaluating(epoch, test.size());
            long evalStart = System.nanoTime();
            last = evaluate(net, preparer, test, classes);
            double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
            EpochMetrics m = new EpochMetrics(epoch, lr, lossSum / usable, (double) correct / usable, last.loss,
                    last.accuracy, seconds, usable / seconds, evalSeconds);
            epochs.add(m);
            listener.epochFinished(m, config.epochs());
        }
        long params = net.parameters().stream().filter(Parameter::trainable).mapToLong(Parameter::elementCount).sum();
        return new TrainingResult(spec, List.copyOf(epochs), last.accuracy, last.loss, last.confusion,
                last.probabilities, net.weights(), params, trainNanos / 1e9);
    }

    private record Evaluation(double accuracy, double loss, int[][] confusion, float[] probabilities) {
    }

    /** Evaluation-mode probabilities of every image, with accuracy, mean cross-entropy and the confusion matrix. */
    static Evaluation evaluate(VggTrainingGraph net, ImagePreparer preparer, PreparedImages images, int classes) {
        int batch = 256;
        int floats = preparer.floats();
        float[] all = new float[images.size() * classes];
        float[] x = new float[batch * floats];
        for (int first = 0; first < images.size(); first += batch) {
            int n = Math.min(batch, images.size() - first);
            for (int k = 0; k < n; k++) {
                preparer.toFloats(images.image(first + k), x, k * floats);
            }
            float[] p = net.probabilities(slice(x, n * floats), n);
            System.arraycopy(p, 0, all, first * classes, n * classes);
        }
        int[][] confusion = new int[classes][classes];
        long correct = 0;
        double loss = 0;
        for (int i = 0; i < images.size(); i++) {
            int truth = images.label(i);
            int guess = argmax(all, i * classes, classes);
            confusion[truth][guess]++;
            if (guess == truth) {
                correct++;
            }
            loss -= Math.log(Math.max(all[i * classes + truth], 1e-12f));
        }
        int n = Math.max(1, images.size());
        return new Evaluation((double) correct / n, loss / n, confusion, all);
    }

    public static int argmax(float[] v, int offset, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (v[offset + i] > v[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    private static void fillMask(float[] mask, int length, float keep, SplittableRandom random) {
        if (keep == 1f) {
            Arrays.fill(mask, 0, length, 1f);
            return;
        }
        double p = 1 - 1 / (double) keep;
        for (int i = 0; i < length; i++) {
            mask[i] = random.nextDouble() < p ? 0f : keep;
        }
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static float[] slice(float[] a, int length) {
        return length == a.length ? a : Arrays.copyOf(a, length);
    }
}
