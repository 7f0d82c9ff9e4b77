package dev.vggstream.inference;

import dev.vggstream.model.ModelInspector;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggModel;
import dev.vggstream.model.VggSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClassifierTest {

    static final VggSpec SPEC = new VggSpec(VggArch.VGG11, true, 4, 33, 1.0 / 16, Preprocessing.CAFFE,
            List.of("cat", "dog", "bird", "fish"));

    @TempDir
    static Path dir;
    static Path vgg;
    static float[] input;
    static float[] logits;

    @BeforeAll
    static void exportOneModel() throws Exception {
        vgg = dir.resolve("vgg");
        input = new float[2 * 33 * 33 * 3];
        Random r = new Random(3);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextGaussian();
        }
        try (VggModel m = VggModel.create(SPEC)) {
            m.initializeRandom(11);
            logits = m.logits(input, 2, 33, 33);
            m.export(vgg, SPEC.metadata(m.net().parameterCount(), "test", "test"));
        }
    }

    @Test
    void exportedModelReloadsWithItsLabelsPreprocessingAndSize() throws Exception {
        try (Classifier c = Classifier.load(vgg)) {
            ModelInfo info = c.info();
            assertThat(info.labels()).containsExactly("cat", "dog", "bird", "fish");
            assertThat(info.preprocessing()).isEqualTo(Preprocessing.CAFFE);
            assertThat(info.height()).isEqualTo(33);
            assertThat(info.width()).isEqualTo(33);
            assertThat(info.numClasses()).isEqualTo(4);
            assertThat(info.outputName()).isEqualTo("probabilities");
            assertThat(info.name()).isEqualTo("vgg11_bn");
        }
    }

    @Test
    void reloadedModelGivesTheSoftmaxOfTheInProcessLogits() throws Exception {
        try (Classifier c = Classifier.load(vgg)) {
            float[][] p = c.classify(input, 2);
            for (int b = 0; b < 2; b++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < 4; k++) {
                    max = Math.max(max, logits[b * 4 + k]);
                }
                double sum = 0;
                for (int k = 0; k < 4; k++) {
                    sum += Math.exp(logits[b * 4 + k] - max);
                }
                for (int k = 0; k < 4; k++) {
                    assertThat((double) p[b][k]).isCloseTo(Math.exp(logits[b * 4 + k] - max) / sum, within(1e-6));
                }
            }
        }
    }

    @Test
    void concurrentCallsGiveTheSameAnswersAsOneAtATime() throws Exception {
        try (Classifier c = Classifier.load(vgg)) {
            float[][] expected = c.classify(input, 2);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[][]>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> c.classify(input, 2)));
                }
                for (Future<float[][]> f : results) {
                    assertThat(f.get()).isDeepEqualTo(expected);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aClosedClassifierRefusesWorkInsteadOfCrashing() throws Exception {
        Classifier c = Classifier.load(vgg);
        c.close();
        c.close();
        assertThatThrownBy(() -> c.classify(input, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void kerasStyleNamesAreReadFromTheSignatureAndSoftmaxOutputIsRecognised() throws Exception {
        Path m = TestModels.channelMeans(dir.resolve("keras"), "serving_default", "predictions", 8, true);
        try (Classifier c = Classifier.load(m)) {
            assertThat(c.info().inputName()).isEqualTo("input_1");
            assertThat(c.info().outputName()).isEqualTo("predictions");
            assertThat(c.info().outputIsLogits()).isFalse();
            assertThat(c.info().labels()).isEmpty();
            assertThat(c.info().label(2)).isEqualTo("class_2");
            float[] img = TestModels.constantImage(8, 1f, 2f, 3f);
            float[] p = c.classify(img, 1)[0];
            double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
            assertThat((double) p[2]).isCloseTo(Math.exp(3) / z, within(1e-6));
        }
    }

    @Test
    void anOutputThatIsNotProbabilitiesGetsSoftmaxApplied() throws Exception {
        Path m = TestModels.channelMeans(dir.resolve("raw"), "predict", "scores", 8, false);
        try (Classifier c = Classifier.load(m)) {
            assertThat(c.info().signatureKey()).isEqualTo("predict");
            assertThat(c.info().outputIsLogits()).isTrue();
            float[] p = c.classify(TestModels.constantImage(8, 0f, 0f, 1f), 1)[0];
            double z = 2 + Math.E;
            assertThat((double) p[2]).isCloseTo(Math.E / z, within(1e-6));
        }
    }

    @Test
    void aDynamicSizeGraphIsFedTheConfiguredSize() throws Exception {
        Path m = TestModels.channelMeans(dir.resolve("dyn"), "serving_default", "predictions", -1, true);
        try (Classifier c = Classifier.load(m, ClassifierOptions.defaults().withImageSize(40))) {
            assertThat(c.info().dynamicSize()).isTrue();
            assertThat(c.info().height()).isEqualTo(40);
            assertThat(c.classify(TestModels.constantImage(40, 1, 1, 1), 1)[0]).hasSize(3);
        }
    }

    @Test
    void aNonImageInputIsRefusedSayingWhatWasFound() throws Exception {
        Path m = TestModels.withInputShape(dir.resolve("flat"), Shape.of(-1, 100));
        assertThatThrownBy(() -> Classifier.load(m)).isInstanceOf(ModelException.class)
                .hasMessageContaining("input 'x' is float [?, 100]")
                .hasMessageContaining("needs float32 [batch, height, width, 3]");
    }

    @Test
    void aUint8InputIsRefusedSayingWhatWasFound() throws Exception {
        Path m = TestModels.uint8Input(dir.resolve("u8"));
        assertThatThrownBy(() -> Classifier.load(m)).isInstanceOf(ModelException.class)
                .hasMessageContaining("input 'pixels' is uint8 [?, 8, 8, 3]");
    }

    @Test
    void twoInputsAreRefusedListingThem() throws Exception {
        Path m = TestModels.twoInputs(dir.resolve("two"));
        assertThatThrownBy(() -> Classifier.load(m)).isInstanceOf(ModelException.class)
                .hasMessageContaining("has 2 inputs").hasMessageContaining("left").hasMessageContaining("right");
    }

    @Test
    void aMissingSignatureIsRefusedListingTheOnesThereAre() throws Exception {
        assertThatThrownBy(() -> Classifier.load(vgg, ClassifierOptions.defaults().withSignatureKey("nope")))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("no signature 'nope'").hasMessageContaining("serving_default");
    }

    @Test
    void aDirectoryWithoutASavedModelIsRefusedClearly() {
        assertThatThrownBy(() -> Classifier.load(dir.resolve("nothing-here")))
                .isInstanceOf(ModelException.class).hasMessageContaining("has no saved_model.pb");
    }

    @Test
    void labelsThatDoNotMatchTheClassesAreRefused() {
        assertThatThrownBy(() -> Classifier.load(vgg, ClassifierOptions.defaults().withLabels(List.of("a", "b"))))
                .isInstanceOf(ModelException.class).hasMessageContaining("4 classes but 2 labels");
    }

    @Test
    void inspectionDescribesAForeignModelFromItsSignature() throws Exception {
        Path m = TestModels.channelMeans(dir.resolve("keras2"), "serving_default", "predictions", 8, true);
        var report = ModelInspector.inspect(m);
        assertThat(report.signatures()).hasSize(1);
        assertThat(report.signatures().get(0).inputs()).containsKey("input_1");
        assertThat(report.signatures().get(0).inputs().get("input_1").shape()).containsExactly(-1L, 8L, 8L, 3L);
        assertThat(report.signatures().get(0).outputs()).containsKey("predictions");
        assertThat(report.metadata()).isNull();
        assertThat(report.classifier()).startsWith("yes");
    }

    @Test
    void inspectionCountsOurModelsParameters() throws Exception {
        var report = ModelInspector.inspect(vgg);
        try (var g = dev.vggstream.model.VggGraph.build(SPEC)) {
            assertThat(report.trainable()).isEqualTo(g.parameterCount());
        }
        assertThat(report.parameters()).isGreaterThan(report.trainable()); // running statistics
        assertThat(report.labelCount()).isEqualTo(4);
        assertThat(report.preprocessing()).isEqualTo("caffe");
        assertThat(report.sizeOnDiskBytes()).isPositive();
    }
}
