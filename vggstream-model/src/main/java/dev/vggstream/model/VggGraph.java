package dev.vggstream.model;

import dev.vggstream.inference.ModelMetadata;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A VGG network as a TensorFlow graph whose variables carry torchvision's {@code state_dict} names.
 *
 * <p>Layout follows torchvision: {@code features} (convolutions, optional BatchNorm, ReLU, pools; indices as in
 * torchvision's {@code nn.Sequential}), adaptive average pooling to 7x7, then {@code classifier} 0, 3, 6. The graph
 * computes in NHWC, but flattens the pooled features in torch's NCHW order so the first classifier kernel is
 * torchvision's matrix transposed, nothing more.
 */
public final class VggGraph implements AutoCloseable {

    public static final String SIGNATURE_KEY = "serving_default";
    public static final String INPUT = "images";
    public static final String LOGITS = ModelMetadata.LOGITS;
    public static final String PROBABILITIES = ModelMetadata.PROBABILITIES;
    /** torch's BatchNorm2d default. */
    public static final float BN_EPSILON = 1e-5f;

    private final VggSpec spec;
    private final Graph graph;
    private final Ops tf;
    private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private final Placeholder<TFloat32> images;
    private final Operand<TFloat32> logits;
    private final Operand<TFloat32> probabilities;

    private VggGraph(VggSpec spec) {
        this.spec = spec;
        this.graph = new Graph();
        try {
            this.tf = Ops.create(graph);
            long side = spec.dynamicSize() ? -1 : spec.imageSize();
            this.images = tf.withName(INPUT).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, side, side, 3)));
            Operand<TFloat32> features = features(images);
            Operand<TFloat32> pooled = adaptiveAvgPoolTorchOrder(tf, features, spec.lastChannels(), VggSpec.POOLED_SIDE);
            Operand<TFloat32> head = classifier(pooled);
            this.logits = tf.withName(LOGITS).identity(head);
            this.probabilities = tf.withName(PROBABILITIES).nn.softmax(logits);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** Builds the graph; variables are created but hold no values until a session assigns them. */
    public static VggGraph build(VggSpec spec) {
        return new VggGraph(spec);
    }

    private Operand<TFloat32> features(Operand<TFloat32> x) {
        int index = 0;
        int inChannels = 3;
        for (int layer : spec.arch().layers()) {
            if (layer == VggArch.POOL) {
                x = maxPool2x2(tf, x);
                index += 1;
                continue;
            }
            int out = spec.scaled(layer);
            String prefix = "features." + index;
            Variable<TFloat32> w = variable(prefix + ".weight", new long[] {out, inChannels, 3, 3},
                    Parameter.Layout.CONV_KERNEL, true);
            Variable<TFloat32> b = variable(prefix + ".bias", new long[] {out}, Parameter.Layout.VECTOR, true);
            x = conv3x3(tf, x, w, b);
            if (spec.batchNorm()) {
                String bn = "features." + (index + 1);
                x = batchNormInference(tf, x,
                        variable(bn + ".weight", new long[] {out}, Parameter.Layout.VECTOR, true),
                        variable(bn + ".bias", new long[] {out}, Parameter.Layout.VECTOR, true),
                        variable(bn + ".running_mean", new long[] {out}, Parameter.Layout.VECTOR, false),
                        variable(bn + ".running_var", new long[] {out}, Parameter.Layout.VECTOR, false));
            }
            x = tf.nn.relu(x);
            index += spec.batchNorm() ? 3 : 2;
            inChannels = out;
        }
        return x;
    }

    private Operand<TFloat32> classifier(Operand<TFloat32> x) {
        int fc = spec.fcWidth();
        long in = (long) spec.lastChannels() * VggSpec.POOLED_SIDE * VggSpec.POOLED_SIDE;
        long[] outs = {fc, fc, spec.numClasses()};
        for (int i = 0; i < outs.length; i++) {
            String prefix = "classifier." + (i * 3);
            Variable<TFloat32> w = variable(prefix + ".weight", new long[] {outs[i], in}, Parameter.Layout.DENSE_KERNEL,
                    true);
            Variable<TFloat32> b = variable(prefix + ".bias", new long[] {outs[i]}, Parameter.Layout.VECTOR, true);
            x = dense(tf, x, w, b);
            if (i < outs.length - 1) {
                // Dropout(0.5) follows this ReLU in training; at inference it is the identity.
                x = tf.nn.relu(x);
            }
            in = outs[i];
        }
        return x;
    }

    private Variable<TFloat32> variable(String name, long[] torchShape, Parameter.Layout layout, boolean trainable) {
        Parameter p = new Parameter(name, torchShape, layout, trainable);
        Variable<TFloat32> v = tf.withName(name).variable(Shape.of(p.tfShape()), TFloat32.class);
        parameters.add(p);
        variables.put(name, v);
        return v;
    }

    // ---- layer helpers ----------------------------------------------------------------------------------------

    static Operand<TFloat32> conv3x3(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, Operand<TFloat32> bias) {
        // stride 1 with SAME padding is torch's padding=1 for a 3x3 kernel
        return tf.nn.biasAdd(tf.nn.conv2d(x, kernel, List.of(1L, 1L, 1L, 1L), "SAME"), bias);
    }

    static Operand<TFloat32> maxPool2x2(Ops tf, Operand<TFloat32> x) {
        // VALID floors odd sides exactly as torch's MaxPool2d(2, 2) with ceil_mode=False
        Operand<TInt32> window = tf.constant(new int[] {1, 2, 2, 1});
        return tf.nn.maxPool(x, window, window, "VALID");
    }

    static Operand<TFloat32> batchNormInference(Ops tf, Operand<TFloat32> x, Operand<TFloat32> gamma,
                                                Operand<TFloat32> beta, Operand<TFloat32> mean,
                                                Operand<TFloat32> variance) {
        return tf.nn.fusedBatchNorm(x, gamma, beta, mean, variance,
                FusedBatchNorm.epsilon(BN_EPSILON), FusedBatchNorm.isTraining(false),
                FusedBatchNorm.dataFormat("NHWC")).y();
    }

    static Operand<TFloat32> dense(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, Operand<TFloat32> bias) {
        return tf.nn.biasAdd(tf.linalg.matMul(x, kernel), bias);
    }

    /**
     * torch's {@code AdaptiveAvgPool2d(side)} followed by {@code flatten(1)}, on an NHWC input.
     *
     * <p>Output cell i averages input rows {@code floor(i*H/side)} up to {@code ceil((i+1)*H/side)} (exclusive),
     * so bins overlap or repeat for any H, small or odd. As every cell is a weighted sum of its bin, the whole
     * pooling is one matrix K = Ph ⊗ Pw applied to each channel's H*W plane; K is computed from the runtime
     * shape, so a dynamic-size graph pools correctly too. The result is laid out [N, C*side*side] in torch's
     * order.
     */
    static Operand<TFloat32> adaptiveAvgPoolTorchOrder(Ops tf, Operand<TFloat32> x, long channels, int side) {
        Operand<TInt32> shape = tf.shape(x);
        Operand<TInt32> h = tf.gather(shape, tf.constant(1), tf.constant(0));
        Operand<TInt32> w = tf.gather(shape, tf.constant(2), tf.constant(0));
        Operand<TFloat32> ph = poolingMatrix(tf, h, side); // [side, H]
        Operand<TFloat32> pw = poolingMatrix(tf, w, side); // [side, W]
        // K[(i,j),(y,x)] = ph[i,y] * pw[j,x]
        Operand<TFloat32> k4 = tf.math.mul(
                tf.reshape(ph, tf.stack(List.of(tf.constant(side), tf.constant(1), h, tf.constant(1)))),
                tf.reshape(pw, tf.stack(List.of(tf.constant(1), tf.constant(side), tf.constant(1), w))));
        Operand<TFloat32> k = tf.reshape(k4, tf.stack(List.of(tf.constant(side * side), tf.math.mul(h, w))));
        // [N, H, W, C] -> [N, C, H, W] -> [N*C, H*W]
        Operand<TFloat32> planes = tf.reshape(tf.linalg.transpose(x, tf.constant(new int[] {0, 3, 1, 2})),
                tf.stack(List.of(tf.constant(-1), tf.math.mul(h, w))));
        Operand<TFloat32> pooled = tf.linalg.matMul(planes, k, MatMul.transposeB(true)); // [N*C, side*side]
        return tf.reshape(pooled, tf.constant(new long[] {-1, channels * side * side}));
    }

    /** Row i holds 1/|bin i| on the input positions of torch's adaptive bin i, 0 elsewhere: [side, n]. */
    static Operand<TFloat32> poolingMatrix(Ops tf, Operand<TInt32> n, int side) {
        Operand<TInt32> i = tf.reshape(tf.range(tf.constant(0), tf.constant(side), tf.constant(1)),
                tf.constant(new int[] {side, 1}));
        Operand<TInt32> pos = tf.reshape(tf.range(tf.constant(0), n, tf.constant(1)), tf.constant(new int[] {1, -1}));
        Operand<TInt32> start = tf.math.floorDiv(tf.math.mul(i, n), tf.constant(side));
        Operand<TInt32> end = tf.math.floorDiv(
                tf.math.add(tf.math.mul(tf.math.add(i, tf.constant(1)), n), tf.constant(side - 1)),
                tf.constant(side));
        Operand<TFloat32> inside = tf.dtypes.cast(
                tf.math.logicalAnd(tf.math.greaterEqual(pos, start), tf.math.less(pos, end)), TFloat32.class);
        Operand<TFloat32> count = tf.dtypes.cast(tf.math.sub(end, start), TFloat32.class);
        return tf.math.div(inside, count);
    }

    // ---- accessors ---------------------------------------------------------------------------------------------

    public VggSpec spec() {
        return spec;
    }

    public Graph graph() {
        return graph;
    }

    public Ops ops() {
        return tf;
    }

    public Placeholder<TFloat32> images() {
        return images;
    }

    public Operand<TFloat32> logits() {
        return logits;
    }

    public Operand<TFloat32> probabilities() {
        return probabilities;
    }

    /** Every weight array in torchvision's {@code state_dict} order. */
    public List<Parameter> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    public Variable<TFloat32> variable(String name) {
        Variable<TFloat32> v = variables.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no variable " + name);
        }
        return v;
    }

    /** Trainable parameters, counted as torchvision's {@code sum(p.numel() for p in model.parameters())}. */
    public long parameterCount() {
        return parameters.stream().filter(Parameter::trainable).mapToLong(Parameter::elementCount).sum();
    }

    @Override
    public void close() {
        graph.close();
    }
}
