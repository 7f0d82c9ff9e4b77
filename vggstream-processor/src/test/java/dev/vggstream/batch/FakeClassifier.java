package dev.vggstream.batch;

import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.BatchClassifier;
import dev.vggstream.inference.ModelInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;

/**
 * A stand-in model for batching tests: class 0's probability is an image's first pixel, class 1 gets the rest, so
 * every result says which image it belongs to. Batches that contain a "poison" first pixel throw, like a model
 * failing on one bad input; every call's batch size is recorded.
 */
public final class FakeClassifier implements BatchClassifier {

    public static final float POISON = -1f;

    private final ModelInfo info;
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private volatile IntPredicate fail = n -> false;
    private volatile Runnable beforeEachCall = () -> { };
    private volatile float poison = POISON;

    public FakeClassifier(int side) {
        this(side, "fake", "1");
    }

    public FakeClassifier(int side, String name, String version) {
        this.info = new ModelInfo(name, version, Path.of(name), List.of("first", "rest"), Preprocessing.NONE, side,
                side, 2, "serving_default", "images", "images:0", "probabilities", "probabilities:0", false, false);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /** Holds nothing to free. */
    @Override
    public void close() {
    }

    @Override
    public float[][] classify(float[] pixels, int n) {
        beforeEachCall.run();
        batchSizes.add(n);
        if (fail.test(n)) {
            throw new IllegalStateException("injected failure for a batch of " + n);
        }
        int floats = info.imageFloats();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float first = pixels[i * floats];
            if (first == POISON || first == poison) {
                throw new IllegalArgumentException("poison image in batch");
            }
            out[i] = new float[] {first, 1 - first};
        }
        return out;
    }

    /** Fail every call whose batch size passes {@code test}. */
    public FakeClassifier failWhen(IntPredicate test) {
        this.fail = test;
        return this;
    }

    /** Treat images whose first pixel is {@code value} as poison: any batch holding one throws. */
    public FakeClassifier poison(float value) {
        this.poison = value;
        return this;
    }

    /** Run this before each call (e.g. wait on a latch to model a slow batch). */
    public FakeClassifier beforeEachCall(Runnable r) {
        this.beforeEachCall = r;
        return this;
    }

    public List<Integer> batchSizes() {
        return new ArrayList<>(batchSizes);
    }

    /** An image whose class-0 probability will be {@code marker}. */
    public float[] image(float marker) {
        float[] p = new float[info.imageFloats()];
        p[0] = marker;
        return p;
    }
}
