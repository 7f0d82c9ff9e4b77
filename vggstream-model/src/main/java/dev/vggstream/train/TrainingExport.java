package dev.vggstream.train;

import dev.vggstream.image.ImagePreparer;
import dev.vggstream.inference.Classifier;
import dev.vggstream.inference.ModelException;
import dev.vggstream.model.VggModel;
import dev.vggstream.model.VggSpec;
import dev.vggstream.model.WeightsException;

import java.io.IOException;
import java.nio.file.Path;

/** A finished training as a SavedModel: exported, then reloaded as serving loads it and compared with the session. */
public final class TrainingExport {

    /** Test images the exported model is checked against the training session on. */
    public static final int CHECK_IMAGES = 512;

    private TrainingExport() {
    }

    /** Writes {@code result}'s weights to {@code dir} as a SavedModel of {@code vgg}, with its metadata. */
    public static void save(Path dir, VggSpec vgg, TrainingResult result, String source, String command)
            throws IOException, WeightsException {
        try (VggModel model = VggModel.create(vgg)) {
            model.loadWeights(result.weights());
            model.export(dir, vgg.metadata(result.parameters(), source, command));
        }
    }

    /** Reloads the export in {@code dir} as serving does and compares it with the training session's evaluation. */
    public static TrainingReport.ExportCheck check(Path dir, PreparedImages test, TrainingResult result,
                                                   ImagePreparer preparer) throws ModelException {
        int n = Math.min(CHECK_IMAGES, test.size());
        int classes = result.spec().numClasses();
        int same = 0;
        double maxDiff = 0;
        try (Classifier c = Classifier.load(dir)) {
            int batch = 64;
            float[] x = new float[batch * preparer.floats()];
            for (int first = 0; first < n; first += batch) {
                int m = Math.min(batch, n - first);
                for (int k = 0; k < m; k++) {
                    preparer.toFloats(test.image(first + k), x, k * preparer.floats());
                }
                float[][] p = c.classify(x, m);
                for (int k = 0; k < m; k++) {
                    int i = first + k;
                    int best = 0;
                    for (int j = 0; j < classes; j++) {
                        maxDiff = Math.max(maxDiff, Math.abs(p[k][j] - result.testProbabilities()[i * classes + j]));
                        if (p[k][j] > p[k][best]) {
                            best = j;
                        }
                    }
                    if (best == result.predicted(i)) {
                        same++;
                    }
                }
            }
        }
        return new TrainingReport.ExportCheck(n, same, maxDiff);
    }
}
