package dev.vggstream.demo;

import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.inference.Classifier;
import dev.vggstream.train.Trainer;
import dev.vggstream.train.TrainingData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DemoAssetsTest {

    static final Path SOURCE = Path.of("vggstream-tools/src/main/resources/demo");

    @TempDir
    static Path dir;
    static Path extracted;

    @BeforeAll
    static void extract() throws Exception {
        extracted = DemoAssets.extract(dir.resolve("demo"));
    }

    @Test
    void theIndexListsEveryFileUnderDemoAndNothingElse() throws Exception {
        List<String> onDisk;
        try (Stream<Path> s = Files.walk(SOURCE)) {
            onDisk = s.filter(Files::isRegularFile).map(p -> SOURCE.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.equals("index.txt")).sorted().toList();
        }

        assertThat(DemoAssets.index()).containsExactlyElementsOf(onDisk);
    }

    @Test
    void extractCopiesEveryIndexedFileByteForByte() throws Exception {
        for (String p : DemoAssets.index()) {
            assertThat(Files.readAllBytes(extracted.resolve(p))).as(p).isEqualTo(Files.readAllBytes(SOURCE.resolve(p)));
        }
        assertThat(extracted.resolve("model/saved_model.pb")).isRegularFile();
        assertThat(extracted.resolve("samples/labels.csv")).isRegularFile();
    }

    @Test
    void theDemoModelTakesAtMostOneMegabyteOnDisk() throws Exception {
        long bytes;
        try (Stream<Path> s = Files.walk(extracted.resolve("model"))) {
            bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }

        assertThat(bytes).isLessThanOrEqualTo(1_000_000L);
    }

    @Test
    void sampleLabelsGiveEverySampleFileItsFashionMnistLabelWhichItsNameSpells() throws Exception {
        Path samples = extracted.resolve("samples");

        Map<String, String> labels = DemoAssets.sampleLabels(samples);

        assertThat(labels).hasSizeGreaterThanOrEqualTo(40);
        assertThat(labels.keySet()).anyMatch(f -> f.endsWith(".png")).anyMatch(f -> f.endsWith(".jpg"));
        for (Map.Entry<String, String> e : labels.entrySet()) {
            assertThat(samples.resolve(e.getKey())).isRegularFile();
            assertThat(TrainingData.FASHION_MNIST_LABELS).contains(e.getValue());
            String slug = e.getValue().toLowerCase().replaceAll("[^a-z0-9]+", "-");
            assertThat(e.getKey()).startsWith(slug + "_");
        }
        assertThat(Map.copyOf(labels).values()).containsAll(TrainingData.FASHION_MNIST_LABELS);
    }

    @Test
    void theDemoModelClassifiesMostSamplesAsTheirTrueLabel() throws Exception {
        Path samples = extracted.resolve("samples");
        Map<String, String> labels = DemoAssets.sampleLabels(samples);
        int right = 0;
        try (Classifier c = Classifier.load(extracted.resolve("model"))) {
            assertThat(c.info().labels()).isEqualTo(TrainingData.FASHION_MNIST_LABELS);
            ImagePipeline pipeline = new ImagePipeline(ImageLimits.DEFAULT, c.info().height(), c.info().width(),
                    c.info().preprocessing());
            for (Map.Entry<String, String> e : labels.entrySet()) {
                float[] p = c.classify(pipeline.prepare(Files.readAllBytes(samples.resolve(e.getKey()))), 1)[0];
                if (c.info().labels().get(Trainer.argmax(p, 0, p.length)).equals(e.getValue())) {
                    right++;
                }
            }
        }

        assertThat((double) right / labels.size()).isGreaterThanOrEqualTo(0.75);
    }
}
