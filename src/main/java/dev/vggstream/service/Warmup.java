package dev.vggstream.service;

import dev.vggstream.inference.BatchClassifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a model once at every batch size it will see before it serves: the first call at a new shape builds
 * kernels (oneDNN primitives, cuDNN autotuning), which would otherwise land on a real batch as a latency spike.
 */
public final class Warmup {

    private static final Logger log = LoggerFactory.getLogger(Warmup.class);

    private Warmup() {
    }

    /** @return milliseconds spent */
    public static long run(BatchClassifier classifier, int maxBatchSize) {
        long t0 = System.nanoTime();
        float[] zeros = new float[maxBatchSize * classifier.info().imageFloats()];
        for (int n = 1; n <= maxBatchSize; n++) {
            classifier.classify(zeros, n);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        log.info("warmed up {} v{} at batch sizes 1..{} in {} ms", classifier.info().name(),
                classifier.info().version(), maxBatchSize, ms);
        return ms;
    }
}
