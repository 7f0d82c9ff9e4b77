package dev.vggstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.inference.Classifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

class ProbeModelTest {

    private static final int SIDE = 224;
    /** Two images, each channel one value: the probe's per-channel means are these. */
    private static final double[][] CHANNELS = {{0.1, 0.2, 0.3}, {-0.5, 0.25, 1.0}};
    /** Float sums of 50,176 pixels in different orders: 1e-5 apart here; a wrong weight moves a class by 1e-2. */
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    @Test
    void theProbeServesSoftmaxOfTheChannelMeansTimesItsFixedWeights() throws Exception {
        float[][] out = classify();
        float[][] w = ProbeModel.weights();
        for (int i = 0; i < CHANNELS.length; i++) {
            double[] logits = new double[ProbeModel.CLASSES];
            for (int k = 0; k < logits.length; k++) {
                for (int c = 0; c < 3; c++) {
                    logits[k] += CHANNELS[i][c] * w[c][k];
                }
            }
            assertThat(toDouble(out[i])).containsExactly(softmax(logits), within(TOLERANCE));
        }
    }

    @Test
    void thePythonConsumersProbeComputesTheSameProbabilities() throws Exception {
        Path script = CameraPeerTest.pythonScript();
        String code = "import json, sys, torch\n"
                + "sys.path.insert(0, sys.argv[1])\n"
                + "import python_consumer\n"
                + "x = torch.tensor(json.loads(sys.argv[2]))[:, :, None, None].expand(-1, -1, 224, 224)\n"
                + "print(json.dumps(python_consumer.build_probe(10)(x).tolist()))\n";
        Process p = new ProcessBuilder(PeerSides.PYTHON.toString(), "-c", code,
                script.getParent().toString(), new ObjectMapper().writeValueAsString(CHANNELS))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assumeThat(p.exitValue()).as("torch importable by " + PeerSides.PYTHON).isZero();
        double[][] pythonLogits = new ObjectMapper().readValue(json, double[][].class);
        float[][] java = classify();
        for (int i = 0; i < CHANNELS.length; i++) {
            assertThat(toDouble(java[i])).containsExactly(softmax(pythonLogits[i]), within(TOLERANCE));
        }
    }

    private float[][] classify() throws Exception {
        Path model = BenchModels.probe(dir, SIDE);
        try (Classifier c = Classifier.load(model)) {
            assertThat(c.info().height()).isEqualTo(SIDE);
            assertThat(c.info().labels()).hasSize(ProbeModel.CLASSES);
            int floats = SIDE * SIDE * 3;
            float[] pixels = new float[CHANNELS.length * floats];
            for (int i = 0; i < CHANNELS.length; i++) {
                for (int p = 0; p < SIDE * SIDE; p++) {
                    for (int ch = 0; ch < 3; ch++) {
                        pixels[i * floats + p * 3 + ch] = (float) CHANNELS[i][ch];
                    }
                }
            }
            return c.classify(pixels, CHANNELS.length);
        }
    }

    private static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] out = new double[logits.length];
        for (int k = 0; k < logits.length; k++) {
            out[k] = Math.exp(logits[k] - max);
            sum += out[k];
        }
        for (int k = 0; k < logits.length; k++) {
            out[k] /= sum;
        }
        return out;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
