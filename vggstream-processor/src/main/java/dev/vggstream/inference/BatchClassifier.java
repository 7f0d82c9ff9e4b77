package dev.vggstream.inference;

/**
 * Classifies a batch of preprocessed images. Implementations are safe to call from several threads.
 */
public interface BatchClassifier {

    ModelInfo info();

    /**
     * @param pixels {@code n} images, NHWC float32, each {@code info().height() x info().width() x 3}, already
     *               preprocessed as {@code info().preprocessing()} says; may be longer than needed
     * @return class probabilities, {@code [n][info().numClasses()]}
     */
    float[][] classify(float[] pixels, int n);
}
