package dev.vggstream.inference;

import dev.vggstream.image.Preprocessing;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An image classifier served from a TensorFlow SavedModel: the one API the CLI, the streaming processor and the
 * benchmarks use. It owns the {@link SavedModelBundle}; every tensor and result it makes is closed before a call
 * returns. Calls may come from several threads at once (TensorFlow sessions are thread-safe). It has no lock of its
 * own: its owner closes it once no call is in progress (see {@link BatchClassifier}); a call after that fails.
 */
public final class Classifier implements BatchClassifier {

    private static final Logger log = LoggerFactory.getLogger(Classifier.class);
    public static final String SERVE_TAG = "serve";
    private static final Pattern VERSION_DIR = Pattern.compile("\\d+");

    private final SavedModelBundle bundle;
    private final ModelInfo info;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Classifier(SavedModelBundle bundle, ModelInfo info) {
        this.bundle = bundle;
        this.info = info;
    }

    /**
     * Loads a SavedModel and checks that it is an image classifier this class can feed: one rank-4 float input
     * (NHWC, 3 channels) and a rank-2 float output. Anything else is refused with what was found.
     */
    public static Classifier load(Path dir, ClassifierOptions options) throws ModelException {
        Stored stored = stored(dir);
        SavedModelBundle bundle = open(dir, options.configProto());
        try {
            ModelInfo described = describe(dir, bundle, options, stored.metadata(), stored.labels());
            return new Classifier(bundle, resolveOutput(bundle, described, options.outputKind()));
        } catch (ModelException | RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    /** What vggstream stores beside a SavedModel (see {@link ModelMetadata}); either may be absent. */
    public record Stored(Optional<ModelMetadata> metadata, Optional<List<String>> labels) {
    }

    /** Refuses {@code dir} unless it holds a SavedModel; returns the metadata and labels stored beside it. */
    public static Stored stored(Path dir) throws ModelException {
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw new ModelException("not a SavedModel directory: " + dir + " has no saved_model.pb");
        }
        try {
            return new Stored(ModelMetadata.read(dir), ModelMetadata.readLabels(dir));
        } catch (IOException e) {
            throw new ModelException(e.getMessage(), e);
        }
    }

    public static Classifier load(Path dir) throws ModelException {
        return load(dir, ClassifierOptions.defaults());
    }

    /** The SavedModel in {@code dir} with the serving tag, on {@code config}'s session options if not null. */
    public static SavedModelBundle open(Path dir, ConfigProto config) throws ModelException {
        try {
            SavedModelBundle.Loader loader = SavedModelBundle.loader(dir.toString()).withTags(SERVE_TAG);
            if (config != null) {
                loader = loader.withConfigProto(config);
            }
            return loader.load();
        } catch (RuntimeException e) {
            throw new ModelException("cannot load the SavedModel in " + dir + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static ModelInfo describe(Path dir, SavedModelBundle bundle, ClassifierOptions options,
                                      Optional<ModelMetadata> metadata, Optional<List<String>> storedLabels)
            throws ModelException {
        Signature sig = chooseSignature(bundle.signatures(), options.signatureKey());
        Map.Entry<String, Signature.TensorDescription> input = chooseInput(sig);
        Map.Entry<String, Signature.TensorDescription> output = chooseOutput(sig, options.outputName());
        long[] in = input.getValue().shape.asArray();
        long classes = output.getValue().shape.get(1);
        int fallbackSize = options.imageSize() != null ? options.imageSize()
                : metadata.map(ModelMetadata::imageSize).orElse(ModelMetadata.DEFAULT_IMAGE_SIZE);
        boolean dynamic = in[1] < 0 || in[2] < 0;
        int height = in[1] > 0 ? (int) in[1] : fallbackSize;
        int width = in[2] > 0 ? (int) in[2] : fallbackSize;
        List<String> labels = options.labels() != null ? options.labels() : storedLabels.orElse(List.of());
        if (classes > 0 && !labels.isEmpty() && labels.size() != classes) {
            throw new ModelException("the model has " + classes + " classes but " + labels.size() + " labels were given");
        }
        if (classes < 0 && !labels.isEmpty()) {
            classes = labels.size();
        }
        Preprocessing pre = options.preprocessing() != null ? options.preprocessing()
                : metadata.map(m -> Preprocessing.parse(m.preprocessing())).orElse(Preprocessing.TORCH);
        String name = options.name() != null ? options.name()
                : metadata.map(ModelMetadata::name).orElse(modelName(dir));
        String version = options.version() != null ? options.version() : versionOf(dir);
        boolean logits = output.getKey().equals(ModelMetadata.LOGITS)
                || options.outputKind() == ClassifierOptions.OutputKind.LOGITS;
        return new ModelInfo(name, version, dir, labels, pre, height, width, (int) classes, sig.key(), input.getKey(),
                input.getValue().name, output.getKey(), output.getValue().name, logits, dynamic);
    }

    /** Whether a classifier can serve {@code bundle}: "yes: " and what it would read, or "no: " and why. */
    public static String servingVerdict(SavedModelBundle bundle) {
        try {
            Signature sig = chooseSignature(bundle.signatures(), null);
            var in = chooseInput(sig);
            var out = chooseOutput(sig, null);
            return "yes: signature " + sig.key() + ", input " + in.getKey() + " " + describe(in.getValue())
                    + ", output " + out.getKey() + " " + describe(out.getValue());
        } catch (ModelException e) {
            return "no: " + e.getMessage();
        }
    }

    static Signature chooseSignature(List<Signature> signatures, String wanted) throws ModelException {
        String keys = signatures.stream().map(Signature::key).collect(Collectors.joining(", "));
        String key = wanted != null ? wanted : Signature.DEFAULT_KEY;
        for (Signature s : signatures) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        if (wanted == null && signatures.size() == 1) {
            return signatures.get(0);
        }
        throw new ModelException("the SavedModel has no signature '" + key + "'; it has: "
                + (keys.isEmpty() ? "none" : keys));
    }

    static Map.Entry<String, Signature.TensorDescription> chooseInput(Signature sig) throws ModelException {
        Map<String, Signature.TensorDescription> inputs = sig.getInputs();
        if (inputs.size() != 1) {
            throw new ModelException("signature '" + sig.key() + "' has " + inputs.size()
                    + " inputs; an image classifier needs exactly one: " + describe(inputs));
        }
        Map.Entry<String, Signature.TensorDescription> e = inputs.entrySet().iterator().next();
        Signature.TensorDescription d = e.getValue();
        long[] shape = d.shape.isUnknown() ? null : d.shape.asArray();
        if (d.dataType != DataType.DT_FLOAT || shape == null || shape.length != 4 || (shape[3] != 3 && shape[3] != -1)) {
            throw new ModelException("signature '" + sig.key() + "' input '" + e.getKey() + "' is "
                    + describe(d) + "; an image classifier needs float32 [batch, height, width, 3]");
        }
        return e;
    }

    static Map.Entry<String, Signature.TensorDescription> chooseOutput(Signature sig, String wanted)
            throws ModelException {
        Map<String, Signature.TensorDescription> outputs = sig.getOutputs();
        Map.Entry<String, Signature.TensorDescription> chosen = null;
        if (wanted != null) {
            if (!outputs.containsKey(wanted)) {
                throw new ModelException("signature '" + sig.key() + "' has no output '" + wanted + "'; it has: "
                        + describe(outputs));
            }
            chosen = Map.entry(wanted, outputs.get(wanted));
        } else {
            for (String preferred : List.of(ModelMetadata.PROBABILITIES, ModelMetadata.LOGITS)) {
                if (outputs.containsKey(preferred)) {
                    chosen = Map.entry(preferred, outputs.get(preferred));
                    break;
                }
            }
            if (chosen == null) {
                List<Map.Entry<String, Signature.TensorDescription>> candidates = outputs.entrySet().stream()
                        .filter(o -> isClassOutput(o.getValue())).collect(Collectors.toList());
                if (candidates.size() != 1) {
                    throw new ModelException("signature '" + sig.key() + "' has no single float32 [batch, classes] "
                            + "output to read; it has: " + describe(outputs));
                }
                chosen = candidates.get(0);
            }
        }
        if (!isClassOutput(chosen.getValue())) {
            throw new ModelException("signature '" + sig.key() + "' output '" + chosen.getKey() + "' is "
                    + describe(chosen.getValue()) + "; a classifier output must be float32 [batch, classes]");
        }
        return chosen;
    }

    private static boolean isClassOutput(Signature.TensorDescription d) {
        return d.dataType == DataType.DT_FLOAT && !d.shape.isUnknown() && d.shape.numDimensions() == 2;
    }

    static String describe(Map<String, Signature.TensorDescription> tensors) {
        if (tensors.isEmpty()) {
            return "none";
        }
        return tensors.entrySet().stream().map(e -> e.getKey() + " " + describe(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    static String describe(Signature.TensorDescription d) {
        String type = d.dataType.name().replace("DT_", "").toLowerCase(java.util.Locale.ROOT);
        return type + " " + (d.shape.isUnknown() ? "[unknown rank]" : shapeText(d.shape));
    }

    static String shapeText(Shape s) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < s.numDimensions(); i++) {
            b.append(i > 0 ? ", " : "").append(s.get(i) < 0 ? "?" : Long.toString(s.get(i)));
        }
        return b.append(']').toString();
    }

    private static String modelName(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path last = abs.getFileName();
        if (last != null && VERSION_DIR.matcher(last.toString()).matches() && abs.getParent() != null
                && abs.getParent().getFileName() != null) {
            return abs.getParent().getFileName().toString();
        }
        return last == null ? "model" : last.toString();
    }

    /** TF Serving layout: {@code models/vgg16/3} is version 3. */
    private static String versionOf(Path dir) {
        Path last = dir.toAbsolutePath().normalize().getFileName();
        return last != null && VERSION_DIR.matcher(last.toString()).matches() ? last.toString() : "1";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * Decides, for an output named neither probabilities nor logits, which it is by looking at one result, and
     * counts the classes of an output whose width the signature leaves open.
     */
    private static ModelInfo resolveOutput(SavedModelBundle bundle, ModelInfo base, ClassifierOptions.OutputKind kind) {
        boolean logits = base.outputIsLogits();
        if (kind == ClassifierOptions.OutputKind.PROBABILITIES) {
            logits = false;
        } else if (kind == ClassifierOptions.OutputKind.AUTO && !base.outputName().equals(ModelMetadata.PROBABILITIES)
                && !base.outputName().equals(ModelMetadata.LOGITS)) {
            float[] raw = runRaw(bundle, new float[base.imageFloats()], 1, base);
            logits = !looksLikeProbabilities(raw);
            log.info("output '{}' of {} looks like {}", base.outputName(), base.name(),
                    logits ? "logits (softmax applied here)" : "probabilities");
        }
        int classes = base.numClasses();
        if (classes <= 0) {
            classes = runRaw(bundle, new float[base.imageFloats()], 1, base).length;
        }
        return new ModelInfo(base.name(), base.version(), base.path(), base.labels(), base.preprocessing(),
                base.height(), base.width(), classes, base.signatureKey(), base.inputName(), base.inputTensor(),
                base.outputName(), base.outputTensor(), logits, base.dynamicSize());
    }

    static boolean looksLikeProbabilities(float[] row) {
        double sum = 0;
        for (float v : row) {
            if (v < 0 || Float.isNaN(v)) {
                return false;
            }
            sum += v;
        }
        return Math.abs(sum - 1.0) < 1e-3;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public float[][] classify(float[] pixels, int n) {
        ModelInfo i = info;
        if (closed.get()) {
            throw new IllegalStateException("classifier " + i.name() + " v" + i.version() + " is closed");
        }
        float[] flat = runRaw(bundle, pixels, n, i);
        int classes = flat.length / n;
        float[][] out = new float[n][];
        for (int b = 0; b < n; b++) {
            float[] row = java.util.Arrays.copyOfRange(flat, b * classes, (b + 1) * classes);
            out[b] = i.outputIsLogits() ? Softmax.of(row) : row;
        }
        return out;
    }


    private static float[] runRaw(SavedModelBundle bundle, float[] pixels, int n, ModelInfo i) {
        int needed = n * i.imageFloats();
        if (n < 1 || pixels.length < needed) {
            throw new IllegalArgumentException("need " + needed + " floats for " + n + " images, got " + pixels.length);
        }
        try (TFloat32 in = Tensors.images(pixels, n, i.height(), i.width());
             Result r = bundle.session().runner().feed(i.inputTensor(), in).fetch(i.outputTensor()).run()) {
            return Tensors.floats(r, 0);
        }
    }

    /** The loaded bundle, for inspection; do not close it. */
    public SavedModelBundle bundle() {
        return bundle;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            bundle.close();
        }
    }
}
