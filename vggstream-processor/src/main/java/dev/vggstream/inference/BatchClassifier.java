package dev.vggstream.inference;

/**
 * Classifies a batch of preprocessed images. Implementations are safe to call from several threads. Whoever holds
 * one closes it, once no call is in progress: the served model's holder (service.ModelHolder) guarantees that with
 * its lock, everyone else with a try-with-resources.
 */
public interface BatchClassifier extends AutoCloseable {

    ModelInfo info();

    /**
     * @param pixels {@code n} images, NHWC float32, each {@code info().height() x info().width() x 3}, already
     *               preprocessed as {@code info().preprocessing()} says; may be longer than needed
     * @return class probabilities, {@code [n][info().numClasses()]}
     */
    float[][] classify(float[] pixels, int n);

    /** Frees the model (a TensorFlow session holds native memory); idempotent. */
    @Override
    void close();
}
