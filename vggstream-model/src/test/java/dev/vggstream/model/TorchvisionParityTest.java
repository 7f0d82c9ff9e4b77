package dev.vggstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our graph against torchvision's own modules: for each depth, with and without BatchNorm, a width-reduced model
 * with random weights and BN statistics (written by tools/fixtures/make_torch_fixtures.py), built from its npz,
 * exported, reloaded from disk and run on the fixture's input. Logits must agree with torchvision's (computed in
 * float64) to a relative error below 1e-4.
 */
class TorchvisionParityTest {

    @TempDir
    Path dir;

    static Stream<JsonNode> models() {
        List<JsonNode> out = new ArrayList<>();
        Fixtures.json("torch", "manifest.json").forEach(out::add);
        assertThat(out).hasSize(8);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void exportedModelReproducesTorchvisionLogits(JsonNode m) throws Exception {
        Map<String, NpyArray> arrays = Fixtures.npz("torch", m.get("file").asText());
        VggSpec spec = VggSpec.of(VggArch.parse(m.get("arch").asText()), m.get("batchNorm").asBoolean(),
                m.get("numClasses").asInt(), m.get("imageSize").asInt(), m.get("width").asDouble());
        NpyArray input = arrays.remove("input");
        NpyArray expected = arrays.remove("logits");
        Path out = dir.resolve(m.get("name").asText());
        try (VggModel model = VggModel.create(spec)) {
            model.loadWeights(arrays);
            model.export(out, spec.metadata(model.net().parameterCount(), "fixture", "test"));
        }
        int n = (int) input.shape()[0];
        int s = spec.imageSize();
        float[] got;
        try (SavedModelBundle b = SavedModelBundle.load(out.toString(), "serve");
             TFloat32 in = TFloat32.tensorOf(Shape.of(n, s, s, 3), DataBuffers.of(input.data(), true, false));
             Result r = b.session().runner().feed(VggGraph.INPUT, in).fetch(VggGraph.LOGITS).run()) {
            TFloat32 t = (TFloat32) r.get(0);
            assertThat(t.shape().asArray()).containsExactly(expected.shape());
            got = new float[(int) t.size()];
            t.asRawTensor().data().asFloats().read(got);
        }
        double maxErr = 0;
        double scale = 0;
        for (int i = 0; i < got.length; i++) {
            maxErr = Math.max(maxErr, Math.abs(got[i] - expected.data()[i]));
            scale = Math.max(scale, Math.abs(expected.data()[i]));
        }
        assertThat(scale).as("reference logits are not all zero").isGreaterThan(1e-3);
        assertThat(maxErr / scale).as("relative logit error").isLessThan(1e-4);
    }
}
