package dev.vggstream.it;

import dev.vggstream.inference.ModelMetadata;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * SavedModels that misbehave on purpose, for the fault tests: real TensorFlow graphs, so the processor under test
 * runs unmodified. Both take 32x32 images with preprocessing "none" (raw 0-255 values) and give 3 classes.
 */
public final class FaultModels {

    private FaultModels() {
    }

    /** Throws (a failed Assert) on any batch holding an image whose top-left red value is {@code poisonRed}. */
    public static Path poison(Path dir, int poisonRed) throws IOException {
        return export(dir, (tf, images) -> {
            Operand<TFloat32> firstRed = tf.reshape(tf.slice(images, tf.constant(new int[] {0, 0, 0, 0}),
                    tf.constant(new int[] {-1, 1, 1, 1})), tf.constant(new int[] {-1}));
            Operand<TBool> clean = tf.reduceAll(tf.math.notEqual(firstRed, tf.constant((float) poisonRed)),
                    tf.constant(0));
            var check = tf.assertThat(clean, List.of(firstRed));
            return tf.withControlDependencies(List.of(check)).identity(channelMeans(tf, images));
        }, "poison red " + poisonRed);
    }

    /** Each call multiplies random {@code side}x{@code side} matrices {@code rounds} times before answering. */
    public static Path slow(Path dir, int side, int rounds) throws IOException {
        return export(dir, (tf, images) -> {
            Operand<TFloat32> m = tf.random.randomUniform(tf.constant(new int[] {side, side}), TFloat32.class);
            for (int i = 0; i < rounds; i++) {
                m = tf.math.mul(tf.linalg.matMul(m, m), tf.constant(1f / side));
            }
            Operand<TFloat32> zero = tf.math.mul(tf.math.mean(m, tf.constant(new int[] {0, 1})), tf.constant(0f));
            return tf.math.add(channelMeans(tf, images), zero);
        }, "slow " + rounds + " x " + side);
    }

    private static Operand<TFloat32> channelMeans(Ops tf, Operand<TFloat32> images) {
        return tf.math.div(tf.math.mean(images, tf.constant(new int[] {1, 2})), tf.constant(255f));
    }

    interface Body {
        Operand<TFloat32> logits(Ops tf, Operand<TFloat32> images);
    }

    private static Path export(Path dir, Body body, String what) throws IOException {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> in = tf.withName("images").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, 32, 32, 3)));
            Operand<TFloat32> logits = body.logits(tf, in);
            Operand<TFloat32> probs = tf.nn.softmax(logits);
            Signature sig = Signature.builder().key("serving_default").input("images", in)
                    .output("probabilities", probs).output("logits", logits).build();
            SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(sig).export();
        }
        new ModelMetadata(ModelMetadata.FORMAT, "fault", "test", null, null, 3, 32, false, "none", 0L, what, "test")
                .write(dir, List.of("red", "green", "blue"));
        return dir;
    }
}
