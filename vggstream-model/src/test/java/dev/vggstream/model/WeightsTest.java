package dev.vggstream.model;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeightsTest {

    static final VggSpec TINY = VggSpec.of(VggArch.VGG11, true, 3, 32, 1.0 / 32);

    @Test
    void weightsReadBackFromTheGraphEqualTheOnesLoaded() throws Exception {
        try (VggModel source = VggModel.create(TINY)) {
            source.initializeRandom(7);
            Map<String, NpyArray> original = source.weights();
            try (VggModel target = VggModel.create(TINY)) {
                target.loadWeights(original);
                assertThat(target.weights()).isEqualTo(original);
            }
        }
    }

    @Test
    void heInitHasTorchvisionsScale() {
        VggSpec spec = VggSpec.of(VggArch.VGG11, true, 10, 32, 0.5);
        try (VggModel m = VggModel.create(spec)) {
            m.initializeRandom(1);
            Map<String, NpyArray> w = m.weights();
            // features.4.weight: 64 out channels at width 0.5 -> std sqrt(2 / (64 * 9))
            assertThat(std(w.get("features.4.weight").data())).isCloseTo(Math.sqrt(2.0 / (64 * 9)),
                    org.assertj.core.data.Percentage.withPercentage(5));
            assertThat(std(w.get("classifier.0.weight").data())).isCloseTo(0.01,
                    org.assertj.core.data.Percentage.withPercentage(2));
            assertThat(w.get("classifier.0.bias").data()).containsOnly(0f);
            assertThat(w.get("features.1.weight").data()).containsOnly(1f);
            assertThat(w.get("features.1.running_var").data()).containsOnly(1f);
            assertThat(w.get("features.1.running_mean").data()).containsOnly(0f);
        }
    }

    @Test
    void missingExtraAndMisshapedArraysAreAllNamedWithBothShapes() throws Exception {
        Map<String, NpyArray> arrays;
        try (VggModel m = VggModel.create(TINY)) {
            m.initializeRandom(1);
            arrays = new LinkedHashMap<>(m.weights());
        }
        arrays.remove("features.0.bias");
        arrays.put("classifier.6.weight", new NpyArray("classifier.6.weight", "<f4", new long[] {4, 128},
                new float[4 * 128]));
        arrays.put("features.99.weight", new NpyArray("features.99.weight", "<f4", new long[] {1}, new float[1]));
        arrays.put("features.1.num_batches_tracked",
                new NpyArray("features.1.num_batches_tracked", "<f4", new long[] {}, new float[1]));
        try (VggModel m = VggModel.create(TINY)) {
            assertThatThrownBy(() -> m.loadWeights(arrays))
                    .isInstanceOf(WeightsException.class)
                    .hasMessageContaining("missing array features.0.bias (expected shape [2])")
                    .hasMessageContaining("array classifier.6.weight has shape [4, 128], expected [3, 128]")
                    .hasMessageContaining("unexpected array features.99.weight with shape [1]")
                    .hasMessageNotContaining("num_batches_tracked");
        }
    }

    static double std(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double s = 0;
        for (float x : v) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / v.length);
    }
}
