package dev.vggstream.bench;

import dev.vggstream.inference.Classifier;
import dev.vggstream.inference.ModelInfo;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Images per second of a classifier at several batch sizes, and of TensorFlow alone on the same graph (a tensor
 * made once, fed again and again: no Java-side copies). The two are measured alternately, batch after batch, so
 * a noisy shared machine slows both alike and their ratio stays meaningful.
 */
public final class ModelBenchmark {

    /** One batch size's figures. */
    public record Row(int batchSize, double classifierImagesPerSecond, double tensorflowImagesPerSecond,
                      int calls) {
        public double ratio() {
            return classifierImagesPerSecond / tensorflowImagesPerSecond;
        }
    }

    private ModelBenchmark() {
    }

    public static List<Row> run(Classifier classifier, int[] batchSizes, double secondsPerSize, int minCalls) {
        List<Row> rows = new ArrayList<>();
        for (int b : batchSizes) {
            rows.add(measure(classifier, b, secondsPerSize, minCalls));
        }
        return rows;
    }

    static Row measure(Classifier classifier, int batch, double seconds, int minCalls) {
        ModelInfo info = classifier.info();
        float[] pixels = randomPixels(info, batch);
        try (TFloat32 tensor = TFloat32.tensorOf(Shape.of(batch, info.height(), info.width(), 3))) {
            tensor.asRawTensor().data().asFloats().write(pixels);
            // warm both paths: first calls build kernels for this shape
            classifier.classify(pixels, batch);
            runRaw(classifier, tensor);
            long api = 0;
            long raw = 0;
            int calls = 0;
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            while (calls < minCalls || System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                classifier.classify(pixels, batch);
                long t1 = System.nanoTime();
                runRaw(classifier, tensor);
                long t2 = System.nanoTime();
                api += t1 - t0;
                raw += t2 - t1;
                calls++;
            }
            return new Row(batch, batch * calls / (api / 1e9), batch * calls / (raw / 1e9), calls);
        }
    }

    /**
     * Nanoseconds the classifier takes for {@code images} images in batches of {@code batch} (the last one smaller
     * if needed), on random pixels; call it once untimed first so the shapes' kernels are built.
     */
    public static long classifierNanos(Classifier classifier, int batch, int images) {
        float[] pixels = randomPixels(classifier.info(), batch);
        long t0 = System.nanoTime();
        for (int done = 0; done < images; done += batch) {
            classifier.classify(pixels, Math.min(batch, images - done));
        }
        return System.nanoTime() - t0;
    }

    private static float[] randomPixels(ModelInfo info, int batch) {
        float[] pixels = new float[batch * info.imageFloats()];
        Random r = new Random(batch);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
        return pixels;
    }

    private static void runRaw(Classifier c, TFloat32 tensor) {
        ModelInfo i = c.info();
        try (Result r = c.bundle().session().runner().feed(i.inputTensor(), tensor).fetch(i.outputTensor()).run()) {
            r.get(0);
        }
    }
}
