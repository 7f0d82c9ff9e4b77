package dev.vggstream.inference;

import java.util.ArrayList;
import java.util.List;

/** One class of a classification: index, label, probability. */
public record Prediction(int index, String label, double probability) {

    /** The {@code k} most probable classes, most probable first; ties keep the lower index first. */
    public static List<Prediction> top(float[] probabilities, int k, ModelInfo info) {
        int n = Math.min(k, probabilities.length);
        int[] best = new int[n];
        int size = 0;
        for (int i = 0; i < probabilities.length; i++) {
            float p = probabilities[i];
            if (size == n && !(p > probabilities[best[n - 1]])) {
                continue;
            }
            int pos = size < n ? size++ : n - 1;
            while (pos > 0 && p > probabilities[best[pos - 1]]) {
                best[pos] = best[pos - 1];
                pos--;
            }
            best[pos] = i;
        }
        List<Prediction> out = new ArrayList<>(n);
        for (int j = 0; j < size; j++) {
            out.add(new Prediction(best[j], info.label(best[j]), probabilities[best[j]]));
        }
        return out;
    }
}
