package dev.vggstream.batch;

import dev.vggstream.inference.ModelInfo;

/**
 * What became of one image: class probabilities, or the error that stopped it.
 *
 * @param batchSize   images in the model call that produced it (1 when it was isolated after a batch failed)
 * @param queueMs     from receipt to the start of its batch
 * @param inferenceNanos the model call
 * @param error       null on success
 */
public record Outcome(long seq, float[] probabilities, ModelInfo model, int batchSize, long queueMs,
                      long inferenceNanos, Throwable error) {

    public boolean failed() {
        return error != null;
    }

    static Outcome success(Pending p, float[] probabilities, ModelInfo model, int batchSize, long queueMs,
                           long inferenceNanos) {
        return new Outcome(p.seq(), probabilities, model, batchSize, queueMs, inferenceNanos, null);
    }

    static Outcome failure(Pending p, Throwable error, ModelInfo model, long queueMs, long inferenceNanos) {
        return new Outcome(p.seq(), null, model, 1, queueMs, inferenceNanos, error);
    }
}
