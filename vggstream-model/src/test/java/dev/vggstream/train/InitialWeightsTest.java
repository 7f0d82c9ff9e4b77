package dev.vggstream.train;

import dev.vggstream.inference.ModelMetadata;
import dev.vggstream.model.NpyArray;
import dev.vggstream.model.Parameter;
import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggGraph;
import dev.vggstream.model.VggModel;
import dev.vggstream.model.VggSpec;
import dev.vggstream.model.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InitialWeightsTest {

    @TempDir
    Path dir;

    @Test
    void fineTuningKeepsEveryArrayButTheHeadWhichGetsTheNewNumberOfClasses() throws Exception {
        VggSpec old = VggSpec.of(VggArch.VGG11, true, 5, 32, 0.0625);
        VggSpec target = old.withNumClasses(10);
        Map<String, NpyArray> start = Trainer.randomWeights(old, 1);

        Map<String, NpyArray> tuned = InitialWeights.forNewHead(start, target, parameters(target), 2);

        for (Parameter p : parameters(target)) {
            if (p.name().startsWith("classifier.6.")) {
                assertThat(tuned.get(p.name()).shape()).isEqualTo(p.torchShape());
            } else {
                assertThat(tuned.get(p.name())).as(p.name()).isEqualTo(start.get(p.name()));
            }
        }
        assertThat(tuned.get("classifier.6.weight").shape()).containsExactly(10, target.fcWidth());
        assertThat(tuned.get("classifier.6.bias").data()).containsOnly(0f);
    }

    @Test
    void weightsOfAnotherWidthAreRefusedNamingTheArraysThatDoNotFit() {
        VggSpec narrow = VggSpec.of(VggArch.VGG11, true, 10, 32, 0.0625);
        VggSpec wide = VggSpec.of(VggArch.VGG11, true, 10, 32, 0.125);
        Map<String, NpyArray> start = Trainer.randomWeights(narrow, 1);

        assertThatThrownBy(() -> InitialWeights.forNewHead(start, wide, parameters(wide), 2))
                .isInstanceOf(WeightsException.class)
                .hasMessageContaining("array features.0.weight has shape [4, 3, 3, 3], expected [8, 3, 3, 3]");
    }

    @Test
    void weightsWithoutBatchNormAreRefusedNamingTheMissingArray() {
        VggSpec plain = VggSpec.of(VggArch.VGG11, false, 10, 32, 0.0625);
        VggSpec bn = VggSpec.of(VggArch.VGG11, true, 10, 32, 0.0625);

        assertThatThrownBy(() -> InitialWeights.forNewHead(Trainer.randomWeights(plain, 1), bn, parameters(bn), 2))
                .isInstanceOf(WeightsException.class).hasMessageContaining("missing array features.1.weight");
    }

    @Test
    void aSavedModelGivesBackTheWeightsItWasExportedWith() throws Exception {
        VggSpec spec = VggSpec.of(VggArch.VGG11, true, 3, 32, 0.0625);
        Map<String, NpyArray> exported;
        Path model = dir.resolve("m");
        try (VggModel m = VggModel.create(spec)) {
            m.initializeRandom(4);
            exported = m.weights();
            m.export(model, spec.metadata(0, "test", "test"));
        }

        Map<String, NpyArray> read = InitialWeights.read(model);

        assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(exported.keySet());
        for (String name : exported.keySet()) {
            assertThat(read.get(name)).as(name).isEqualTo(exported.get(name));
        }
    }

    static List<Parameter> parameters(VggSpec spec) {
        try (VggGraph g = VggGraph.build(spec)) {
            return g.parameters();
        }
    }
}
