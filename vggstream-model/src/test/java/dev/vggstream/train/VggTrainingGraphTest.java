package dev.vggstream.train;

import dev.vggstream.model.NpyArray;
import dev.vggstream.model.Parameter;
import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggGraph;
import dev.vggstream.model.VggSpec;
import dev.vggstream.model.VggTrainingGraph;
import dev.vggstream.model.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class VggTrainingGraphTest {

    static final VggTrainingGraph.Optimizer SGD = VggTrainingGraph.Optimizer.sgd(0.9f, true, 5e-4f);

    @Test
    void theTrainingGraphHasTheServingGraphsParameterNamesShapesAndOrder() {
        VggSpec spec = VggSpec.of(VggArch.VGG13, true, 7, 32, 0.0625);
        List<Parameter> serving;
        try (VggGraph g = VggGraph.build(spec)) {
            serving = g.parameters();
        }
        try (VggTrainingGraph t = VggTrainingGraph.build(spec, SGD, null)) {
            assertThat(t.parameters()).isEqualTo(serving);
        }
    }

    @ParameterizedTest(name = "{0} px")
    @ValueSource(ints = {40, 72, 100})
    void withoutBatchNormAndWithDropoutMasksOfOnesTheTrainingForwardPassIsTheServingOne(int side) throws Exception {
        // the training pass folds a constant pooling matrix into classifier.0, the serving pass pools with one built
        // from the shape: last feature maps of 1x1, 2x2 and 3x3
        VggSpec spec = VggSpec.of(VggArch.VGG11, false, 4, side, 0.0625);
        int n = 3;
        float[] x = images(n, side, 1);
        try (VggTrainingGraph t = VggTrainingGraph.build(spec, SGD, null)) {
            t.loadWeights(Trainer.randomWeights(spec, 3));
            float[] serving = t.logits(x, n);
            float[] ones = new float[n * spec.fcWidth()];
            Arrays.fill(ones, 1f);
            float[] targets = new float[n * 4];
            for (int i = 0; i < n; i++) {
                targets[i * 4 + i % 4] = 1;
            }
            float[] training = t.step(x, targets, ones, ones, n, 0f).logits();
            for (int i = 0; i < serving.length; i++) {
                assertThat(training[i]).isCloseTo(serving[i], within(1e-4f * Math.max(1, Math.abs(serving[i]))));
            }
        }
    }

    @Test
    void batchNormRunningStatisticsMoveWithTorchsMomentumAndTheUnbiasedBatchVariance() throws Exception {
        VggSpec spec = VggSpec.of(VggArch.VGG11, true, 3, 32, 0.0625);
        int n = 4;
        int side = 32;
        float[] x = images(n, side, 2);
        Map<String, NpyArray> w = new HashMap<>(Trainer.randomWeights(spec, 5));
        // features.0 copies the red channel into every output channel: its batch statistics are the red channel's
        NpyArray k = w.get("features.0.weight");
        int out = (int) k.shape()[0];
        float[] kernel = new float[k.data().length];
        for (int o = 0; o < out; o++) {
            kernel[((o * 3) * 3 + 1) * 3 + 1] = 1f;
        }
        w.put("features.0.weight", new NpyArray(k.name(), k.dtype(), k.shape(), kernel));
        w.put("features.0.bias", new NpyArray("features.0.bias", "<f4", new long[] {out}, new float[out]));
        double sum = 0;
        double sq = 0;
        int count = n * side * side;
        for (int i = 0; i < count; i++) {
            sum += x[i * 3];
        }
        double mean = sum / count;
        for (int i = 0; i < count; i++) {
            sq += (x[i * 3] - mean) * (x[i * 3] - mean);
        }
        double unbiased = sq / (count - 1);
        float[] ones = new float[n * spec.fcWidth()];
        Arrays.fill(ones, 1f);
        float[] targets = new float[n * 3];
        targets[0] = targets[4] = targets[8] = targets[9] = 1;
        try (VggTrainingGraph t = VggTrainingGraph.build(spec, SGD, null)) {
            t.loadWeights(w);
            t.step(x, targets, ones, ones, n, 0f);
            Map<String, NpyArray> after = t.weights();
            for (int o = 0; o < out; o++) {
                assertThat(after.get("features.1.running_mean").data()[o])
                        .isCloseTo((float) (0.9 * 0 + 0.1 * mean), within(1e-5f));
                assertThat(after.get("features.1.running_var").data()[o])
                        .isCloseTo((float) (0.9 * 1 + 0.1 * unbiased), within(1e-4f));
            }
            // a zero learning rate moves no weight
            assertThat(after.get("features.0.weight").data()).containsExactly(kernel);
            assertThat(after.get("classifier.6.weight").data()).containsExactly(w.get("classifier.6.weight").data());
        }
    }

    @Test
    void repeatedStepsOnOneBatchDriveItsLossDown() throws Exception {
        for (VggTrainingGraph.Optimizer opt : List.of(SGD, VggTrainingGraph.Optimizer.adam(0f))) {
            VggSpec spec = VggSpec.of(VggArch.VGG11, true, 4, 32, 0.0625);
            int n = 8;
            float[] x = images(n, 32, 3);
            float[] targets = new float[n * 4];
            for (int i = 0; i < n; i++) {
                targets[i * 4 + i % 4] = 1;
            }
            float[] ones = new float[n * spec.fcWidth()];
            Arrays.fill(ones, 1f);
            float lr = opt.kind() == VggTrainingGraph.Optimizer.Kind.SGD ? 0.05f : 0.003f;
            try (VggTrainingGraph t = VggTrainingGraph.build(spec, opt, null)) {
                t.loadWeights(Trainer.randomWeights(spec, 9));
                float first = t.step(x, targets, ones, ones, n, lr).loss();
                float last = first;
                for (int s = 0; s < 40; s++) {
                    last = t.step(x, targets, ones, ones, n, lr).loss();
                }
                assertThat(last).as(opt.kind().name()).isLessThan(first * 0.5f);
            }
        }
    }

    @Test
    void weightsWithAnArrayTheNetworkDoesNotHaveAreRefusedAsTheServingModelRefusesThem() {
        VggSpec spec = VggSpec.of(VggArch.VGG11, false, 4, 32, 1.0 / 32);
        Map<String, NpyArray> weights = new HashMap<>(Trainer.randomWeights(spec, 3));
        weights.put("features.99.weight", new NpyArray("features.99.weight", "<f4", new long[] {2}, new float[2]));
        try (VggTrainingGraph t = VggTrainingGraph.build(spec, SGD, null)) {
            assertThatThrownBy(() -> t.loadWeights(weights)).isInstanceOf(WeightsException.class)
                    .hasMessageContaining("unexpected array features.99.weight");
        }
    }

    static float[] images(int n, int side, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * side * side * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }
}
