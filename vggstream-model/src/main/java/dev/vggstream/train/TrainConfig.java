package dev.vggstream.train;

import dev.vggstream.image.Preprocessing;
import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggSpec;
import dev.vggstream.model.VggTrainingGraph;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything that decides a training run besides the data.
 *
 * @param learningRate   peak learning rate (after warm-up)
 * @param warmupEpochs   linear warm-up from 0, in epochs (fractions allowed)
 * @param padding        random-crop padding in pixels when {@code augment} (zeros, i.e. black)
 * @param labelSmoothing target mass spread evenly over all classes
 * @param dropout        dropout probability after classifier.1 and classifier.4 (torchvision: 0.5)
 * @param threads        TensorFlow intra-op threads
 */
public record TrainConfig(VggArch arch, boolean batchNorm, double width, int imageSize, Preprocessing preprocessing,
                          int epochs, int batchSize, float learningRate, Schedule schedule, double warmupEpochs,
                          VggTrainingGraph.Optimizer optimizer, boolean augment, int padding, boolean flip,
                          float labelSmoothing, float dropout, long seed, int threads) {

    /** How the learning rate moves over the run, after the warm-up. */
    public enum Schedule {
        /** half a cosine from the peak to 0 at the last step */
        COSINE,
        /** x0.1 at 50% and again at 75% of the steps */
        STEP,
        CONSTANT;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Schedule parse(String s) {
            for (Schedule v : values()) {
                if (v.id().equalsIgnoreCase(s.trim())) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown schedule '" + s + "': expected cosine, step or constant");
        }
    }

    public TrainConfig {
        if (epochs < 1 || batchSize < 2) {
            throw new IllegalArgumentException("need at least 1 epoch and a batch size of at least 2");
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("the learning rate must be positive, got " + learningRate);
        }
        if (warmupEpochs < 0 || padding < 0 || labelSmoothing < 0 || labelSmoothing >= 1 || dropout < 0
                || dropout >= 1) {
            throw new IllegalArgumentException("warm-up and padding must be >= 0, label smoothing and dropout in [0, 1)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        if (imageSize < VggSpec.MIN_IMAGE_SIZE) {
            throw new IllegalArgumentException("image size must be at least " + VggSpec.MIN_IMAGE_SIZE
                    + " px (five 2x2 pools), got " + imageSize);
        }
    }

    public VggSpec spec(List<String> labels) {
        return new VggSpec(arch, batchNorm, labels.size(), imageSize, width, preprocessing, labels);
    }

    /** The learning rate of step {@code step} (0-based) of {@code total}, {@code warmup} of them warming up. */
    public double learningRateAt(long step, long total, long warmup) {
        if (step < warmup) {
            return learningRate * (step + 1.0) / warmup;
        }
        double t = total - warmup <= 1 ? 0 : (double) (step - warmup) / (total - warmup - 1);
        switch (schedule) {
            case COSINE:
                return learningRate * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t)));
            case STEP:
                return learningRate * (t >= 0.75 ? 0.01 : t >= 0.5 ? 0.1 : 1);
            default:
                return learningRate;
        }
    }

    /** The hyper-parameters as metrics.json records them. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", arch.id());
        m.put("batch_norm", batchNorm);
        m.put("width", width);
        m.put("image_size", imageSize);
        m.put("preprocessing", preprocessing.id());
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("optimizer", optimizer.kind().name().toLowerCase(Locale.ROOT));
        m.put("learning_rate", learningRate);
        m.put("schedule", schedule.id());
        m.put("warmup_epochs", warmupEpochs);
        if (optimizer.kind() == VggTrainingGraph.Optimizer.Kind.SGD) {
            m.put("momentum", optimizer.momentum());
            m.put("nesterov", optimizer.nesterov());
        }
        m.put("weight_decay", optimizer.weightDecay());
        m.put("augment", augment);
        if (augment) {
            m.put("crop_padding", padding);
            m.put("horizontal_flip", flip);
        }
        m.put("label_smoothing", labelSmoothing);
        m.put("dropout", dropout);
        m.put("seed", seed);
        m.put("threads", threads);
        return m;
    }
}
