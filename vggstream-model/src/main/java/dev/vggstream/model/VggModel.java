package dev.vggstream.model;

import dev.vggstream.inference.Tensors;
import dev.vggstream.inference.ModelMetadata;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TFloat32;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A VGG graph with a session holding its weights: initialise (torchvision's scheme) or load torchvision weights,
 * run it, and export it as a SavedModel. Owns native memory: close it.
 */
public final class VggModel implements AutoCloseable {

    private static final String INIT_SCOPE = "vggstream_init";
    /** torchvision's {@code nn.init.normal_(linear.weight, 0, 0.01)}. */
    static final float LINEAR_INIT_STD = 0.01f;

    private final VggGraph net;
    private final Session session;

    private VggModel(VggGraph net) {
        this.net = net;
        this.session = new Session(net.graph());
    }

    /** Builds the graph and a session; the variables hold nothing until {@link #initializeRandom} or
     * {@link #loadWeights}. */
    public static VggModel create(VggSpec spec) {
        VggGraph net = VggGraph.build(spec);
        try {
            return new VggModel(net);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    public VggGraph net() {
        return net;
    }

    public VggSpec spec() {
        return net.spec();
    }

    public Session session() {
        return session;
    }

    /**
     * torchvision's {@code VGG._initialize_weights}: convolutions He-normal with fan_out and ReLU gain (std =
     * sqrt(2 / (out * 3 * 3))), linear layers N(0, 0.01), biases 0, BatchNorm weight 1 and bias 0, running
     * statistics 0 and 1. Random numbers are drawn in the graph, seeded, so a seed gives the same weights again.
     */
    public void initializeRandom(long seed) {
        Ops tf = net.ops().withSubScope(INIT_SCOPE);
        List<Op> assigns = new ArrayList<>();
        long stream = 0;
        for (Parameter p : net.parameters()) {
            Operand<TFloat32> value = initialValue(tf, p, seed, ++stream);
            assigns.add(tf.assign(net.variable(p.name()), value));
        }
        Session.Runner runner = session.runner();
        assigns.forEach(runner::addTarget);
        runner.run().close();
    }

    private static Operand<TFloat32> initialValue(Ops tf, Parameter p, long seed, long stream) {
        Operand<org.tensorflow.types.TInt64> shape = tf.constant(p.tfShape());
        String name = p.name();
        if (name.endsWith(".weight") && p.layout() != Parameter.Layout.VECTOR) {
            float std = p.layout() == Parameter.Layout.CONV_KERNEL
                    ? (float) Math.sqrt(2.0 / (p.torchShape()[0] * p.torchShape()[2] * p.torchShape()[3]))
                    : LINEAR_INIT_STD;
            return tf.math.mul(tf.random.randomStandardNormal(shape, TFloat32.class,
                    RandomStandardNormal.seed(seed), RandomStandardNormal.seed2(stream)), tf.constant(std));
        }
        boolean ones = name.endsWith(".running_var") || (name.endsWith(".weight"));
        return tf.fill(shape, tf.constant(ones ? 1f : 0f));
    }

    /**
     * Loads torchvision {@code state_dict} arrays. Every parameter must be present with torchvision's shape;
     * arrays the network does not have are an error too (except {@code num_batches_tracked}, a training counter).
     * All problems are reported at once, each naming the array and both shapes.
     */
    public void loadWeights(Map<String, NpyArray> arrays) throws WeightsException {
        checkWeights(net.spec(), net.parameters(), arrays);
        assignWeights(session, net.ops().withSubScope(INIT_SCOPE), net.parameters(), net::variable, arrays);
    }

    /**
     * Assigns {@code arrays} (torchvision's layouts, already checked to hold every parameter in its shape) to the
     * variables {@code variable} names, converting each to TensorFlow's layout; {@code tf} creates the assign ops.
     */
    static void assignWeights(Session session, Ops tf, List<Parameter> parameters,
                              Function<String, Variable<TFloat32>> variable, Map<String, NpyArray> arrays) {
        for (Parameter p : parameters) {
            Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(p.tfShape())));
            Op assign = tf.assign(variable.apply(p.name()), in);
            float[] tfLayout = p.toTensorFlowLayout(arrays.get(p.name()).data());
            try (TFloat32 t = TFloat32.tensorOf(Shape.of(p.tfShape()), DataBuffers.of(tfLayout, true, false));
                 Result r = session.runner().feed(in, t).addTarget(assign).run()) {
                // assigned; the result holds no tensors
            }
        }
    }

    /**
     * Every one of {@code parameters} present in {@code arrays} with torchvision's shape, and nothing else (but
     * {@code num_batches_tracked}, a training counter): else all problems at once, each naming the array and shapes.
     */
    static void checkWeights(VggSpec spec, List<Parameter> parameters, Map<String, NpyArray> arrays)
            throws WeightsException {
        List<String> problems = new ArrayList<>();
        for (Parameter p : parameters) {
            NpyArray a = arrays.get(p.name());
            if (a == null) {
                problems.add("missing array " + p.name() + " (expected shape " + java.util.Arrays.toString(p.torchShape())
                        + ")");
            } else if (!java.util.Arrays.equals(a.shape(), p.torchShape())) {
                problems.add("array " + p.name() + " has shape " + a.shapeText() + ", expected "
                        + java.util.Arrays.toString(p.torchShape()));
            }
        }
        java.util.Set<String> known = new java.util.HashSet<>();
        parameters.forEach(p -> known.add(p.name()));
        for (NpyArray a : arrays.values()) {
            if (!known.contains(a.name()) && !a.name().endsWith(".num_batches_tracked")) {
                problems.add("unexpected array " + a.name() + " with shape " + a.shapeText()
                        + " (not part of " + spec.torchvisionName() + " at width " + spec.width()
                        + " with " + spec.numClasses() + " classes)");
            }
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 8);
            String more = problems.size() > shown ? " (and " + (problems.size() - shown) + " more)" : "";
            throw new WeightsException(String.join("; ", problems.subList(0, shown)) + more);
        }
    }

    /** The current weights in torchvision's names and layouts. */
    public Map<String, NpyArray> weights() {
        return readWeights(session, net.parameters(), net::variable);
    }

    /** The values of the variables {@code variable} names, in torchvision's names and layouts. */
    static Map<String, NpyArray> readWeights(Session session, List<Parameter> parameters,
                                             Function<String, Variable<TFloat32>> variable) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            try (Result r = session.runner().fetch(variable.apply(p.name())).run()) {
                out.put(p.name(), new NpyArray(p.name(), "<f4", p.torchShape(), p.toTorchLayout(Tensors.floats(r, 0))));
            }
        }
        return out;
    }

    /** Runs the network on a batch of already-preprocessed NHWC images; returns {@code [n * classes]} logits. */
    public float[] logits(float[] nhwc, int n, int height, int width) {
        try (TFloat32 in = Tensors.images(nhwc, n, height, width);
             Result r = session.runner().feed(net.images(), in).fetch(net.logits()).run()) {
            return Tensors.floats(r, 0);
        }
    }

    /**
     * Writes a SavedModel (tag {@code serve}, signature {@value VggGraph#SIGNATURE_KEY}: input
     * {@value VggGraph#INPUT}, outputs {@value VggGraph#PROBABILITIES} and {@value VggGraph#LOGITS}) and the
     * metadata beside it. The directory must not exist or be empty.
     */
    public void export(Path dir, ModelMetadata metadata) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IOException("output directory " + dir + " is not empty");
                }
            }
        }
        Signature signature = Signature.builder()
                .key(VggGraph.SIGNATURE_KEY)
                .methodName("tensorflow/serving/predict")
                .input(VggGraph.INPUT, net.images())
                .output(VggGraph.PROBABILITIES, net.probabilities())
                .output(VggGraph.LOGITS, net.logits())
                .build();
        SavedModelBundle.exporter(dir.toString()).withSession(session).withSignature(signature).export();
        metadata.write(dir, net.spec().labels());
    }

    @Override
    public void close() {
        try {
            session.close();
        } finally {
            net.close();
        }
    }
}
