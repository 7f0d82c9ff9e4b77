package dev.vggstream.inference;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * Small SavedModels that we did not make with {@code model build}: Keras-like names, odd signatures, unusable
 * inputs. Each computes something simple and known so tests can check what the classifier returns.
 */
public final class TestModels {

    private TestModels() {
    }

    /**
     * Input {@code input_1} float [?, size, size, 3] (or any size if size is -1); output {@code name} [?, 3] =
     * per-channel means of the image, through softmax when {@code softmax}.
     */
    public static Path channelMeans(Path dir, String key, String outputName, long size, boolean softmax)
            throws IOException {
        return export(dir, key, (tf, in) -> {
            Operand<TFloat32> means = tf.math.mean(in, tf.constant(new int[] {1, 2}));
            return softmax ? tf.nn.softmax(means) : means;
        }, "input_1", Shape.of(-1, size, size, 3), outputName);
    }

    /** A float input of the given shape whose output is its sum per row, [?, 1]. */
    public static Path withInputShape(Path dir, Shape inputShape) throws IOException {
        return export(dir, "serving_default", (tf, in) -> tf.reshape(tf.math.mean(tf.reshape(in,
                tf.constant(new long[] {-1, 1})), tf.constant(new int[] {1})), tf.constant(new long[] {-1, 1})),
                "x", inputShape, "y");
    }

    /** An image model taking uint8 pixels, which the float pipeline cannot feed. */
    public static Path uint8Input(Path dir) throws IOException {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TUint8> in = tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, 8, 8, 3)));
            Operand<TFloat32> out = tf.math.mean(tf.dtypes.cast(in, TFloat32.class), tf.constant(new int[] {1, 2}));
            Signature sig = Signature.builder().key("serving_default").input("pixels", in).output("scores", out).build();
            SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(sig).export();
        }
        return dir;
    }

    /** Two image inputs: ambiguous for a classifier. */
    public static Path twoInputs(Path dir) throws IOException {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> a = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 8, 8, 3)));
            Placeholder<TFloat32> b = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 8, 8, 3)));
            Operand<TFloat32> out = tf.math.mean(tf.math.add(a, b), tf.constant(new int[] {1, 2}));
            Signature sig = Signature.builder().key("serving_default").input("left", a).input("right", b)
                    .output("scores", out).build();
            SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(sig).export();
        }
        return dir;
    }

    private static Path export(Path dir, String key, BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> body,
                               String inputName, Shape inputShape, String outputName) throws IOException {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(inputShape));
            Operand<TFloat32> out = body.apply(tf, in);
            Signature sig = Signature.builder().key(key).input(inputName, in).output(outputName, out).build();
            SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(sig).export();
        }
        return dir;
    }

    /** An image of one colour, HWC, for the models above. */
    public static float[] constantImage(int size, float r, float g, float b) {
        float[] img = new float[size * size * 3];
        for (int i = 0; i < size * size; i++) {
            img[i * 3] = r;
            img[i * 3 + 1] = g;
            img[i * 3 + 2] = b;
        }
        return img;
    }
}
