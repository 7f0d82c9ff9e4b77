package dev.vggstream.batch;

import dev.vggstream.inference.ModelInfo;

/**
 * What became of one image: class probabilities, or the error that stopped it.
 *
 * @param batchSize   images in the model call that produced it (1 when it was isolated after a batch failed)
 * @param queueNanos  from receipt to the start of its batch, on the same clock as the inference
 * @param inferenceNanos the model call
 * @param error       null on success
 * @param preparing   the error stopped the image while it was decoded and prepared in the {@link DecodePool},
 *                    before any model saw it
 */
public record Outcome(long seq, float[] probabilities, ModelInfo model, int batchSize, long queueNanos,
                      long inferenceNanos, Throwable error, boolean preparing) {

    public boolean failed() {
        return error != null;
    }

    static Outcome success(Pending p, float[] probabilities, ModelInfo model, int batchSize, long queueNanos,
                           long inferenceNanos) {
        return new Outcome(p.seq(), probabilities, model, batchSize, queueNanos, inferenceNanos, null, false);
    }

    static Outcome failure(Pending p, Throwable error, ModelInfo model, long queueNanos, long inferenceNanos) {
        return new Outcome(p.seq(), null, model, 1, queueNanos, inferenceNanos, error, false);
    }

    /** The decode pool could not prepare image {@code seq}: a refused image, a timeout or a bug. */
    static Outcome unprepared(long seq, Throwable error) {
        return new Outcome(seq, null, null, 0, 0, 0, error, true);
    }
}
