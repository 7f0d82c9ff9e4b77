package dev.vggstream.bench;

import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.BatchClassifier;
import dev.vggstream.inference.ModelInfo;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A model stand-in for capacity planning: a batch of {@code n} images keeps the calling thread (the dispatcher's,
 * as a GPU call would) for {@code a + b * n} milliseconds without using a core, and answers with flat
 * probabilities. Its input is 8x8 (its time does not depend on it, and a 224 px float input would make the host copy
 * 600 KB per image for nothing). Each image's first float carries its number, so the time its batch finished is
 * recorded per image.
 */
final class SimulatedAccelerator implements BatchClassifier {

    /**
     * VGG16 fp32 on one NVIDIA V100 (MXNet 1.2.0, cuDNN 7.0.5, EC2 p3.2xlarge), as MXNet's performance notes
     * publish it: 205.16 images/s at batch 1 (4.87 ms), 654.16 at 16 (24.46 ms), 708.43 at 32 (45.17 ms). The line
     * through batch 1 and 32: a = 3.57 ms per call, b = 1.30 ms per image (batch 16 by the line: 24.4 ms).
     */
    static final double V100_VGG16_A_MS = 3.57;
    static final double V100_VGG16_B_MS = 1.30;
    static final int SIDE = 8;

    private final double aMs;
    private final double bMs;
    private final ModelInfo info;
    private final AtomicLongArray doneNanos;

    SimulatedAccelerator(double aMs, double bMs, int images) {
        this.aMs = aMs;
        this.bMs = bMs;
        this.info = new ModelInfo("simulated-accelerator", "1", Path.of("simulated-accelerator"), List.of("a", "b"),
                Preprocessing.NONE, SIDE, SIDE, 2, "serving_default", "images", "images:0", "probabilities",
                "probabilities:0", false, false);
        this.doneNanos = new AtomicLongArray(images);
    }

    /** Milliseconds one call of {@code n} images takes. */
    double batchMs(int n) {
        return aMs + bMs * n;
    }

    /** Images per second at batch {@code n}, back to back. */
    double imagesPerSecond(int n) {
        return n * 1000 / batchMs(n);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public float[][] classify(float[] pixels, int n) {
        // the device's time, not a wait for a condition: the calling thread is held as a GPU call holds it
        long end = System.nanoTime() + (long) (batchMs(n) * 1e6);
        for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        long now = System.nanoTime();
        int floats = info.imageFloats();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            doneNanos.set((int) pixels[i * floats], now);
            out[i] = new float[] {0.5f, 0.5f};
        }
        return out;
    }

    /** When image {@code seq}'s batch finished (System.nanoTime), 0 if it has not. */
    long doneNanos(int seq) {
        return doneNanos.get(seq);
    }
}
