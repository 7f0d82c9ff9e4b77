package dev.vggstream.bench;

import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.BatchClassifier;
import dev.vggstream.inference.ModelInfo;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A model stand-in for capacity planning, in virtual time: a batch of {@code n} images occupies the device for
 * {@code a + b * n} milliseconds, one batch after another, and answers with flat probabilities. Time is the
 * caller's (microseconds, see {@link #now}), not the machine's: on a shared 2-vCPU machine a sleeping thread wakes
 * milliseconds late, which would measure the machine instead of the device. Each image's first float carries its
 * number plus one (0 is the dispatcher's padding), so the time its batch finished is kept per image. Its input is
 * 8x8: the device's time does not depend on it.
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
    private final long[] doneMicros;
    /** The virtual time the next call starts at, at the earliest (set by the driver), in microseconds. */
    long now;
    private long busyUntil;

    SimulatedAccelerator(double aMs, double bMs, int images) {
        this.aMs = aMs;
        this.bMs = bMs;
        this.info = new ModelInfo("simulated-accelerator", "1", Path.of("simulated-accelerator"), List.of("a", "b"),
                Preprocessing.NONE, SIDE, SIDE, 2, "serving_default", "images", "images:0", "probabilities",
                "probabilities:0", false, false);
        this.doneMicros = new long[images];
        Arrays.fill(doneMicros, -1);
    }

    /** Milliseconds one call of {@code n} images takes. */
    double batchMs(int n) {
        return aMs + bMs * n;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public float[][] classify(float[] pixels, int n) {
        long start = Math.max(now, busyUntil);
        busyUntil = start + Math.round(batchMs(n) * 1000);
        int floats = info.imageFloats();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            int seq = (int) pixels[i * floats] - 1;
            if (seq >= 0) {
                doneMicros[seq] = busyUntil;
            }
            out[i] = new float[] {0.5f, 0.5f};
        }
        return out;
    }

    /** Nothing to free: the device is simulated. */
    @Override
    public void close() {
    }

    /** Whether the device is free at virtual time {@code micros}. */
    boolean idleAt(long micros) {
        return micros >= busyUntil;
    }

    /** When image {@code seq}'s batch finished, in virtual microseconds; -1 if it has not run. */
    long doneMicros(int seq) {
        return doneMicros[seq];
    }
}
