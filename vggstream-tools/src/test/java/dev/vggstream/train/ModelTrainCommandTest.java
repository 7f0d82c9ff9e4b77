package dev.vggstream.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.cli.CliRun;
import dev.vggstream.inference.Classifier;
import dev.vggstream.inference.ModelMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ModelTrainCommandTest {

    @TempDir
    static Path dir;
    static Path model;
    static CliRun trained;

    @BeforeAll
    static void trainASmallModelThroughTheCommand() {
        model = dir.resolve("fashion");
        trained = CliRun.of("model", "train", "--data", TrainFixtures.subset().toString(), "--arch", "vgg11",
                "--batch-norm", "--width", "0.0625", "--epochs", "2", "--batch-size", "50", "--augment",
                "--threads", "2", "--out", model.toString());
    }

    @Test
    void trainWritesAServableSavedModelWithTheDatasLabelsAndTheTrainingPreprocessing() throws Exception {
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(model.resolve("saved_model.pb")).isRegularFile();
        assertThat(ModelMetadata.readLabels(model)).contains(TrainingData.FASHION_MNIST_LABELS);
        ModelMetadata meta = ModelMetadata.read(model).orElseThrow();
        assertThat(meta.name()).isEqualTo("vgg11_bn");
        assertThat(meta.imageSize()).isEqualTo(32);
        assertThat(meta.preprocessing()).isEqualTo("torch");
        assertThat(meta.createdBy()).startsWith("vggstream model train --data");
        try (Classifier c = Classifier.load(model)) {
            assertThat(c.info().numClasses()).isEqualTo(10);
            assertThat(c.info().height()).isEqualTo(32);
        }
    }

    @Test
    void trainPrintsEachEpochAndTheExportCheckOfEveryTestImage() {
        assertThat(trained.out()).contains("data: 500 training and 150 test images (t10k files), 10 classes")
                .contains("epoch 1/2").contains("epoch 2/2").contains("test accuracy")
                .contains("export check: 150/150 test images with the same top-1");
    }

    @Test
    void metricsJsonRecordsTheEpochsTheCommandTheHyperParametersAndTheConfusionMatrix() throws Exception {
        JsonNode m = new ObjectMapper().readTree(model.resolve(TrainingReport.METRICS_FILE).toFile());

        assertThat(m.get("command").asText()).startsWith("vggstream model train --data");
        assertThat(m.get("epochs").size()).isEqualTo(2);
        assertThat(m.get("epochs").get(1).get("test_accuracy").asDouble()).isEqualTo(m.get("test_accuracy").asDouble());
        assertThat(m.get("hyperparameters").get("width").asDouble()).isEqualTo(0.0625);
        assertThat(m.get("hyperparameters").get("augment").asBoolean()).isTrue();
        assertThat(m.get("wall_seconds").asDouble()).isPositive();
        JsonNode matrix = m.get("confusion_matrix").get("matrix");
        int total = 0;
        int diagonal = 0;
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 10; j++) {
                total += matrix.get(i).get(j).asInt();
                diagonal += i == j ? matrix.get(i).get(j).asInt() : 0;
            }
        }
        assertThat(total).isEqualTo(150);
        assertThat(diagonal / 150.0).isCloseTo(m.get("test_accuracy").asDouble(), org.assertj.core.api.Assertions.within(1e-4));
        assertThat(m.get("export_check").get("same_top1").asInt()).isEqualTo(150);
    }

    @Test
    void trainDrawsItsChartBesideTheModel() throws Exception {
        BufferedImage chart = ImageIO.read(model.resolve(TrainingReport.CHART_FILE).toFile());

        assertThat(chart.getWidth()).isEqualTo(1280);
        assertThat(chart.getHeight()).isEqualTo(660);
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < chart.getHeight(); y += 3) {
            for (int x = 0; x < chart.getWidth(); x += 3) {
                colours.add(chart.getRGB(x, y) & 0xffffff);
            }
        }
        assertThat(colours).as("a drawn chart, not a blank image").hasSizeGreaterThan(10);
    }

    @Test
    void trainOnAnImageFolderNamesTheClassesAfterTheFoldersAndLearnsThem() throws Exception {
        Path folder = dir.resolve("colours");
        java.util.Random random = new java.util.Random(3);
        for (String colour : java.util.List.of("blue", "red")) {
            Path classDir = Files.createDirectories(folder.resolve(colour));
            for (int i = 0; i < 24; i++) {
                BufferedImage img = new BufferedImage(40 + random.nextInt(20), 40, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < img.getHeight(); y++) {
                    for (int x = 0; x < img.getWidth(); x++) {
                        int v = 140 + random.nextInt(100);
                        int other = random.nextInt(120);
                        img.setRGB(x, y, colour.equals("red") ? v << 16 | other << 8 | other : other << 16 | other << 8 | v);
                    }
                }
                ImageIO.write(img, i % 2 == 0 ? "png" : "jpeg", classDir.resolve(i + (i % 2 == 0 ? ".png" : ".jpg"))
                        .toFile());
            }
        }
        Path out = dir.resolve("colours-model");

        CliRun r = CliRun.of("model", "train", "--data", folder.toString(), "--arch", "vgg11", "--batch-norm", "--width",
                "0.0625", "--image-size", "32", "--epochs", "4", "--batch-size", "8", "--dropout", "0", "--holdout",
                "0.25", "--threads", "2", "--out", out.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("data: 36 training and 12 test images (25% held out), 2 classes");
        assertThat(ModelMetadata.readLabels(out)).contains(java.util.List.of("blue", "red"));
        JsonNode m = new ObjectMapper().readTree(out.resolve(TrainingReport.METRICS_FILE).toFile());
        assertThat(m.get("test_accuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void trainRefusesAnOutputDirectoryThatIsNotEmpty() throws Exception {
        Path out = Files.createDirectories(dir.resolve("full"));
        Files.writeString(out.resolve("keep.txt"), "mine");

        CliRun r = CliRun.of("model", "train", "--data", TrainFixtures.subset().toString(), "--arch", "vgg11",
                "--out", out.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("error: output directory").contains("is not empty");
    }

    @Test
    void fineTuningFromAModelOfAnotherWidthFailsNamingTheArray() {
        Path other = dir.resolve("other");
        CliRun built = CliRun.of("model", "build", "--arch", "vgg11", "--batch-norm", "--width", "0.125", "--image-size", "32",
                "--num-classes", "3", "--out", other.toString());
        assertThat(built.exitCode()).as(built.err()).isZero();

        CliRun r = CliRun.of("model", "train", "--data", TrainFixtures.subset().toString(), "--arch", "vgg11", "--batch-norm",
                "--width", "0.0625", "--epochs", "1", "--init", other.toString(), "--out", dir.resolve("ft").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("does not fit vgg11_bn")
                .contains("array features.0.weight has shape [8, 3, 3, 3], expected [4, 3, 3, 3]");
    }

    @Test
    void fineTuningFromATrainedModelReplacesTheHeadAndTrains() throws Exception {
        Path tuned = dir.resolve("tuned");
        Path labels = Files.writeString(dir.resolve("labels.txt"), String.join("\n", TrainingData.FASHION_MNIST_LABELS));

        CliRun r = CliRun.of("model", "train", "--data", TrainFixtures.subset().toString(), "--arch", "vgg11", "--batch-norm",
                "--width", "0.0625", "--epochs", "1", "--batch-size", "50", "--init", model.toString(),
                "--labels", labels.toString(), "--out", tuned.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(tuned.resolve("saved_model.pb")).isRegularFile();
    }
}
