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
    public static long run(BatchClassifier classifier, int[] batchSizes) {
        long t0 = System.nanoTime();
        int max = java.util.Arrays.stream(batchSizes).max().orElse(1);
        float[] zeros = new float[max * classifier.info().imageFloats()];
        for (int n : batchSizes) {
            classifier.classify(zeros, n);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        log.info("warmed up {} v{} at batch sizes {} in {} ms", classifier.info().name(),
                classifier.info().version(), describe(batchSizes), ms);
        return ms;
    }

    static String describe(int[] sizes) {
        boolean consecutive = sizes.length > 0 && sizes[sizes.length - 1] - sizes[0] == sizes.length - 1;
        return consecutive && sizes.length > 2 ? sizes[0] + ".." + sizes[sizes.length - 1]
                : java.util.Arrays.toString(sizes);
    }
}
