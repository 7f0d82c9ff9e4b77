package dev.vggstream.bench;

import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.ModelMetadata;
import dev.vggstream.model.VggGraph;
import dev.vggstream.model.VggSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The pipeline ceiling's stand-in for a model: a SavedModel that reads every float of its 224 px input (the mean of
 * each channel) and maps the three means to {@value #CLASSES} classes, so it costs microseconds per image in
 * TensorFlow and in PyTorch alike. A near-free VGG (VGG11 at 1/32 width) is not near-free at 224 px: its
 * two-to-sixteen-channel convolutions over 224x224 maps cost TensorFlow 7-8 ms of CPU per image here against
 * PyTorch's 1.8 ms, which measured the model, not the pipeline, in part 10. The Python consumer serves the same
 * function ({@code --model probe}: {@code x.mean((2, 3)) @ W} with the same weights).
 */
final class ProbeModel {

    static final String NAME = "probe";
    static final int CLASSES = 10;
    private ProbeModel() {
    }

    /** The weights both sides use: {@code W[c][k] = (c + 1) * (k - 4.5) / 10}; there is no bias. */
    static float[][] weights() {
        float[][] w = new float[3][CLASSES];
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < CLASSES; k++) {
                w[c][k] = (c + 1) * (k - 4.5f) / 10;
            }
        }
        return w;
    }

    /** Writes the probe for {@code side} px inputs as a SavedModel in {@code dir} (which must not exist or be empty). */
    static void export(Path dir, int side) throws IOException {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> images = tf.withName(VggGraph.INPUT).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, side, side, 3)));
            // a variable, not a constant: the exporter saves variables, and a SavedModel without any has no checkpoint
            Variable<TFloat32> w = tf.withName("w").variable(Shape.of(3, CLASSES), TFloat32.class);
            s.runner().addTarget(tf.assign(w, tf.constant(weights()))).run().close();
            Operand<TFloat32> means = tf.math.mean(images, tf.constant(new int[] {1, 2}));
            Operand<TFloat32> logits = tf.withName(ModelMetadata.LOGITS).linalg.matMul(means, w);
            Operand<TFloat32> probabilities = tf.withName(ModelMetadata.PROBABILITIES).nn.softmax(logits);
            Signature signature = Signature.builder().key(Signature.DEFAULT_KEY)
                    .methodName("tensorflow/serving/predict").input(VggGraph.INPUT, images)
                    .output(ModelMetadata.PROBABILITIES, probabilities).output(ModelMetadata.LOGITS, logits).build();
            SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(signature).export();
        }
        new ModelMetadata(ModelMetadata.FORMAT, NAME, NAME, null, null, CLASSES, side, false,
                Preprocessing.TORCH.id(), 3L * CLASSES, "fixed", "vggstream bench").write(dir,
                VggSpec.defaultLabels(CLASSES));
    }
}
