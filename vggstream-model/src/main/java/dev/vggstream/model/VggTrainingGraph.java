package dev.vggstream.model;

import dev.vggstream.inference.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Identity;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.op.train.ApplyMomentum;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A VGG network in training mode, in its own graph and session, with the same variables (torchvision names and
 * TensorFlow layouts) as {@link VggGraph}, so trained weights move to a serving {@link VggModel} unchanged through
 * {@link #weights()} and {@link VggModel#loadWeights}.
 *
 * <p>Two forward passes share the variables:
 * <ul>
 *   <li>training: BatchNorm on batch statistics (FusedBatchNormV3, whose C++ gradient exists) with the running
 *       statistics updated as torch does (momentum 0.1, running variance from the unbiased batch variance),
 *       dropout after the first two classifier ReLUs through masks the caller feeds (so the caller's seed decides
 *       them), and adaptive pooling through a constant pooling matrix folded into classifier.0 (the serving graph
 *       derives the same matrix from the runtime shape, which is not differentiable);</li>
 *   <li>evaluation: exactly the serving graph's operations ({@link VggGraph}'s layer helpers), so its
 *       probabilities are the exported model's.</li>
 * </ul>
 * The loss is the mean softmax cross-entropy against fed target distributions (one-hot, or smoothed by the
 * caller). One {@link #step} runs forward, backward, the optimizer (SGD with momentum, optionally Nesterov, or Adam;
 * L2 weight decay on kernels only) and the BatchNorm statistics update. The optimizer runs only after every
 * gradient is computed, so no backward op reads a weight already updated. Owns native memory: close it.
 */
public final class VggTrainingGraph implements AutoCloseable {

    /** The optimizer and its hyper-parameters (the learning rate is given per step). */
    public record Optimizer(Kind kind, float momentum, boolean nesterov, float weightDecay, float beta1, float beta2,
                            float epsilon) {
        public enum Kind { SGD, ADAM }

        public static Optimizer sgd(float momentum, boolean nesterov, float weightDecay) {
            return new Optimizer(Kind.SGD, momentum, nesterov, weightDecay, 0.9f, 0.999f, 1e-8f);
        }

        public static Optimizer adam(float weightDecay) {
            return new Optimizer(Kind.ADAM, 0f, false, weightDecay, 0.9f, 0.999f, 1e-8f);
        }
    }

    /** What one training step measured. */
    public record StepResult(float loss, float[] logits) {
    }

    /** torch's BatchNorm2d momentum. */
    public static final float BN_MOMENTUM = 0.1f;

    private final VggSpec spec;
    private final Optimizer optimizer;
    private final Graph graph;
    private final Ops tf;
    private final Session session;
    private final List<Parameter> parameters;
    private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
    private final List<Variable<TFloat32>> slots = new ArrayList<>();

    private final Placeholder<TFloat32> trainImages;
    private final Placeholder<TFloat32> targets;
    private final Placeholder<TFloat32> dropoutMask1;
    private final Placeholder<TFloat32> dropoutMask2;
    private final Placeholder<TFloat32> learningRate;
    private final Placeholder<TFloat32> beta1Power;
    private final Placeholder<TFloat32> beta2Power;
    private final Operand<TFloat32> trainLogits;
    private final Operand<TFloat32> loss;
    private final List<Op> updates = new ArrayList<>();

    private final Placeholder<TFloat32> evalImages;
    private final Operand<TFloat32> evalLogits;
    private final Operand<TFloat32> evalProbabilities;

    private final List<Op> zeroSlots = new ArrayList<>();
    private long steps;

    private VggTrainingGraph(VggSpec spec, Optimizer optimizer, ConfigProto config) {
        if (spec.dynamicSize()) {
            throw new IllegalArgumentException("training needs a fixed image size");
        }
        this.spec = spec;
        this.optimizer = optimizer;
        try (VggGraph reference = VggGraph.build(spec)) {
            this.parameters = List.copyOf(reference.parameters());
        }
        this.graph = new Graph();
        try {
            this.tf = Ops.create(graph);
            for (Parameter p : parameters) {
                variables.put(p.name(), tf.withName(p.name()).variable(Shape.of(p.tfShape()), TFloat32.class));
            }
            int side = spec.imageSize();
            int fc = spec.fcWidth();
            Ops train = tf.withSubScope("train");
            this.trainImages = train.withName("images").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, side, side, 3)));
            this.targets = train.withName("targets").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, spec.numClasses())));
            this.dropoutMask1 = train.withName("dropout1").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, fc)));
            this.dropoutMask2 = train.withName("dropout2").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, fc)));
            this.learningRate = train.withName("learning_rate").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.scalar()));
            this.beta1Power = train.withName("beta1_power").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.scalar()));
            this.beta2Power = train.withName("beta2_power").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.scalar()));

            List<Op> statUpdates = new ArrayList<>();
            Operand<TFloat32> x = features(train, trainImages,
                    (y, bn) -> trainingBatchNorm(train, y, bn, statUpdates));
            this.trainLogits = trainClassifier(train, x, side);
            Operand<TFloat32> perExample = train.nn.softmaxCrossEntropyWithLogits(trainLogits, targets).loss();
            this.loss = train.withName("loss").math.mean(perExample, train.constant(0));
            buildOptimizer(train.withSubScope("optimizer"));
            updates.addAll(statUpdates);

            Ops eval = tf.withSubScope("eval");
            this.evalImages = eval.withName("images").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, side, side, 3)));
            Operand<TFloat32> e = features(eval, evalImages, (y, bn) -> inferenceBatchNorm(eval, y, bn));
            e = VggGraph.adaptiveAvgPoolTorchOrder(eval, e, spec.lastChannels(), VggSpec.POOLED_SIDE);
            this.evalLogits = eval.withName("logits").identity(evalClassifier(eval, e));
            this.evalProbabilities = eval.withName("probabilities").nn.softmax(evalLogits);

            this.session = config == null ? new Session(graph) : new Session(graph, config);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** Builds the training graph and its session; the weights hold nothing until {@link #loadWeights}. */
    public static VggTrainingGraph build(VggSpec spec, Optimizer optimizer, ConfigProto config) {
        return new VggTrainingGraph(spec, optimizer, config);
    }

    // ---- graph -------------------------------------------------------------------------------------------------

    /**
     * The convolutional layers; {@code batchNorm} normalises a convolution's output with the BatchNorm named by its
     * prefix ({@code features.N}), on batch statistics in training and on the running ones in evaluation.
     */
    private Operand<TFloat32> features(Ops tf, Operand<TFloat32> x,
                                       BiFunction<Operand<TFloat32>, String, Operand<TFloat32>> batchNorm) {
        int index = 0;
        for (int layer : spec.arch().layers()) {
            if (layer == VggArch.POOL) {
                x = VggGraph.maxPool2x2(tf, x);
                index += 1;
                continue;
            }
            String prefix = "features." + index;
            x = VggGraph.conv3x3(tf, x, variable(prefix + ".weight"), variable(prefix + ".bias"));
            if (spec.batchNorm()) {
                x = batchNorm.apply(x, "features." + (index + 1));
            }
            x = tf.nn.relu(x);
            index += spec.batchNorm() ? 3 : 2;
        }
        return x;
    }

    private Operand<TFloat32> trainingBatchNorm(Ops tf, Operand<TFloat32> x, String bn, List<Op> statUpdates) {
        FusedBatchNorm<TFloat32, TFloat32> norm = tf.nn.fusedBatchNorm(x, variable(bn + ".weight"),
                variable(bn + ".bias"), tf.constant(new float[0]), tf.constant(new float[0]),
                FusedBatchNorm.epsilon(VggGraph.BN_EPSILON), FusedBatchNorm.isTraining(true),
                FusedBatchNorm.dataFormat("NHWC"));
        // FusedBatchNormV3's batch_variance is the unbiased (n - 1) estimate, as torch keeps in running_var
        statUpdates.add(movingAverage(tf, variable(bn + ".running_mean"), norm.batchMean()));
        statUpdates.add(movingAverage(tf, variable(bn + ".running_var"), norm.batchVariance()));
        return norm.y();
    }

    private Operand<TFloat32> inferenceBatchNorm(Ops tf, Operand<TFloat32> x, String bn) {
        return VggGraph.batchNormInference(tf, x, variable(bn + ".weight"), variable(bn + ".bias"),
                variable(bn + ".running_mean"), variable(bn + ".running_var"));
    }

    private Op movingAverage(Ops tf, Variable<TFloat32> running, Operand<TFloat32> batch) {
        // running = (1 - momentum) * running + momentum * batch, written as running -= momentum * (running - batch)
        return tf.assignSub(running, tf.math.mul(tf.constant(BN_MOMENTUM), tf.math.sub(running, batch)));
    }

    private Operand<TFloat32> evalClassifier(Ops tf, Operand<TFloat32> x) {
        for (int i = 0; i < 3; i++) {
            String prefix = "classifier." + (i * 3);
            x = VggGraph.dense(tf, x, variable(prefix + ".weight"), variable(prefix + ".bias"));
            if (i < 2) {
                // Dropout(0.5) follows this ReLU in training; at inference it is the identity
                x = tf.nn.relu(x);
            }
        }
        return x;
    }

    /**
     * The classifier of the training pass. Adaptive pooling is linear, so it is folded into classifier.0: with K the
     * [49, h*w] pooling matrix ({@link VggGraph#adaptiveAvgPoolTorchOrder} builds the same one from the runtime
     * shape), {@code pool(x) . W0 = x . W0'} where {@code W0'[c, p, f] = sum_k K[k, p] W0[c, k, f]}. At 32 px
     * the last feature map is 1x1 and this does 1/49 of the first layer's work per image; the gradient reaches
     * W0 through the same (differentiable) reshapes, transposes and products.
     */
    private Operand<TFloat32> trainClassifier(Ops tf, Operand<TFloat32> features, int imageSide) {
        int h = featureSide(imageSide);
        int hw = h * h;
        int pooled = VggSpec.POOLED_SIDE * VggSpec.POOLED_SIDE;
        long c = spec.lastChannels();
        long fc = spec.fcWidth();
        Operand<TFloat32> k = tf.constant(Shape.of(pooled, hw),
                DataBuffers.of(poolingKernel(h, h, VggSpec.POOLED_SIDE), true, false));
        // W0 [c*49, fc] -> [c, fc, 49] -> [c*fc, 49] . K -> [c, fc, hw] -> [c, hw, fc] -> [c*hw, fc]
        Operand<TFloat32> w0 = tf.reshape(tf.linalg.transpose(
                tf.reshape(variable("classifier.0.weight"), tf.constant(new long[] {c, pooled, fc})),
                tf.constant(new int[] {0, 2, 1})), tf.constant(new long[] {c * fc, pooled}));
        Operand<TFloat32> folded = tf.reshape(tf.linalg.transpose(
                tf.reshape(tf.linalg.matMul(w0, k), tf.constant(new long[] {c, fc, hw})),
                tf.constant(new int[] {0, 2, 1})), tf.constant(new long[] {c * hw, fc}));
        // features [N, h, w, c] in torch's flattening order [N, c*h*w]
        Operand<TFloat32> x = tf.reshape(tf.linalg.transpose(features, tf.constant(new int[] {0, 3, 1, 2})),
                tf.constant(new long[] {-1, c * hw}));
        x = tf.math.mul(tf.nn.relu(VggGraph.dense(tf, x, folded, variable("classifier.0.bias"))), dropoutMask1);
        x = tf.math.mul(tf.nn.relu(VggGraph.dense(tf, x, variable("classifier.3.weight"),
                variable("classifier.3.bias"))), dropoutMask2);
        return VggGraph.dense(tf, x, variable("classifier.6.weight"), variable("classifier.6.bias"));
    }

    /** The side of the last feature map: every pool floors. */
    int featureSide(int imageSide) {
        int s = imageSide;
        for (int layer : spec.arch().layers()) {
            if (layer == VggArch.POOL) {
                s /= 2;
            }
        }
        return s;
    }

    /** K[(i, j), (y, x)] = ph[i, y] * pw[j, x], with torch's adaptive bins; see {@link VggGraph#poolingMatrix}. */
    static float[] poolingKernel(int h, int w, int side) {
        float[][] ph = poolingRows(h, side);
        float[][] pw = poolingRows(w, side);
        float[] k = new float[side * side * h * w];
        for (int i = 0; i < side; i++) {
            for (int j = 0; j < side; j++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        k[((i * side + j) * h + y) * w + xx] = ph[i][y] * pw[j][xx];
                    }
                }
            }
        }
        return k;
    }

    private static float[][] poolingRows(int n, int side) {
        float[][] m = new float[side][n];
        for (int i = 0; i < side; i++) {
            int start = Math.floorDiv(i * n, side);
            int end = Math.floorDiv((i + 1) * n + side - 1, side);
            float v = 1f / (float) (end - start);
            for (int p = start; p < end; p++) {
                m[i][p] = v;
            }
        }
        return m;
    }

    private void buildOptimizer(Ops tf) {
        List<Parameter> trainable = parameters.stream().filter(Parameter::trainable).toList();
        List<Variable<TFloat32>> vars = trainable.stream().map(p -> variable(p.name())).toList();
        Gradients grads = tf.gradients(loss, vars);
        List<Op> gradOps = new ArrayList<>();
        List<Operand<TFloat32>> gradients = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            Identity<TFloat32> gradient = tf.identity(grads.<TFloat32>dy(i));
            gradOps.add(gradient);
            gradients.add(gradient);
        }
        // every gradient first: backward ops read the weights the optimizer is about to change in place
        Ops after = tf.withControlDependencies(gradOps);
        Operand<TFloat32> lr = learningRate;
        for (int i = 0; i < vars.size(); i++) {
            Parameter p = trainable.get(i);
            Variable<TFloat32> v = vars.get(i);
            Operand<TFloat32> g = gradients.get(i);
            if (optimizer.weightDecay() > 0 && p.layout() != Parameter.Layout.VECTOR) {
                g = after.math.add(g, after.math.mul(after.constant(optimizer.weightDecay()), v));
            }
            if (optimizer.kind() == Optimizer.Kind.SGD) {
                Variable<TFloat32> accum = slot(p);
                updates.add(after.train.applyMomentum(v, accum, lr, g, after.constant(optimizer.momentum()),
                        ApplyMomentum.useNesterov(optimizer.nesterov())));
            } else {
                Variable<TFloat32> m = slot(p);
                Variable<TFloat32> s = slot(p);
                updates.add(after.train.applyAdam(v, m, s, beta1Power, beta2Power, lr,
                        after.constant(optimizer.beta1()), after.constant(optimizer.beta2()),
                        after.constant(optimizer.epsilon()), g));
            }
        }
    }

    private Variable<TFloat32> slot(Parameter p) {
        Ops init = tf.withSubScope("slots");
        Variable<TFloat32> s = init.variable(Shape.of(p.tfShape()), TFloat32.class);
        slots.add(s);
        zeroSlots.add(init.assign(s, init.fill(init.constant(p.tfShape()), init.constant(0f))));
        return s;
    }

    private Variable<TFloat32> variable(String name) {
        Variable<TFloat32> v = variables.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no variable " + name);
        }
        return v;
    }

    // ---- session -----------------------------------------------------------------------------------------------

    /**
     * Assigns every weight (torchvision names and layouts; shapes as {@link VggModel#loadWeights} checks them) and
     * resets the optimizer's state.
     */
    public void loadWeights(Map<String, NpyArray> arrays) throws WeightsException {
        VggModel.checkWeights(spec, parameters, arrays);
        VggModel.assignWeights(session, tf.withSubScope("load"), parameters, this::variable, arrays);
        if (!zeroSlots.isEmpty()) {
            Session.Runner runner = session.runner();
            zeroSlots.forEach(runner::addTarget);
            runner.run().close();
        }
        steps = 0;
    }

    /** The current weights in torchvision's names and layouts, ready for {@link VggModel#loadWeights}. */
    public Map<String, NpyArray> weights() {
        return VggModel.readWeights(session, parameters, this::variable);
    }

    /**
     * One optimisation step on {@code n} preprocessed NHWC images.
     *
     * @param targets     {@code [n * classes]} target distribution per image
     * @param dropout1    {@code [n * fcWidth]} mask after classifier.1 (0 or 1/(1-p)); all ones for no dropout
     * @param dropout2    the same after classifier.4
     * @param rate        the learning rate of this step
     */
    public StepResult step(float[] nhwc, float[] targets, float[] dropout1, float[] dropout2, int n,
                           float rate) {
        int side = spec.imageSize();
        int fc = spec.fcWidth();
        steps++;
        float b1 = (float) Math.pow(optimizer.beta1(), steps);
        float b2 = (float) Math.pow(optimizer.beta2(), steps);
        try (TFloat32 x = Tensors.images(nhwc, n, side, side);
             TFloat32 y = TFloat32.tensorOf(Shape.of(n, spec.numClasses()), DataBuffers.of(targets, true, false));
             TFloat32 m1 = TFloat32.tensorOf(Shape.of(n, fc), DataBuffers.of(dropout1, true, false));
             TFloat32 m2 = TFloat32.tensorOf(Shape.of(n, fc), DataBuffers.of(dropout2, true, false));
             TFloat32 lr = TFloat32.scalarOf(rate);
             TFloat32 p1 = TFloat32.scalarOf(b1);
             TFloat32 p2 = TFloat32.scalarOf(b2)) {
            Session.Runner runner = session.runner().feed(trainImages, x).feed(this.targets, y)
                    .feed(dropoutMask1, m1).feed(dropoutMask2, m2).feed(learningRate, lr);
            if (optimizer.kind() == Optimizer.Kind.ADAM) {
                runner.feed(beta1Power, p1).feed(beta2Power, p2);
            }
            updates.forEach(runner::addTarget);
            try (Result r = runner.fetch(loss).fetch(trainLogits).run()) {
                return new StepResult(((TFloat32) r.get(0)).getFloat(), Tensors.floats(r, 1));
            }
        }
    }

    /** Evaluation-mode probabilities ({@code [n * classes]}) of {@code n} preprocessed NHWC images. */
    public float[] probabilities(float[] nhwc, int n) {
        return evaluate(nhwc, n, evalProbabilities);
    }

    /** Evaluation-mode logits ({@code [n * classes]}). */
    public float[] logits(float[] nhwc, int n) {
        return evaluate(nhwc, n, evalLogits);
    }

    private float[] evaluate(float[] nhwc, int n, Operand<TFloat32> output) {
        int side = spec.imageSize();
        try (TFloat32 x = Tensors.images(nhwc, n, side, side);
             Result r = session.runner().feed(evalImages, x).fetch(output).run()) {
            return Tensors.floats(r, 0);
        }
    }

    public VggSpec spec() {
        return spec;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The serving network's parameters, in torchvision's {@code state_dict} order. */
    public List<Parameter> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                session.close();
            }
        } finally {
            graph.close();
        }
    }
}
