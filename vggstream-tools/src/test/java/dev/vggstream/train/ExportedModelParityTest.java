package dev.vggstream.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.cli.VggStreamCommand;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.inference.Classifier;
import dev.vggstream.inference.ModelMetadata;
import dev.vggstream.model.VggModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A model trained here, exported, reloaded as serving loads it and fed the original image files gives the
 * training session's own answers.
 */
class ExportedModelParityTest {

    static final int IMAGES = 20;

    @TempDir
    static Path dir;
    static TrainingData data;
    static TrainingResult result;
    static Path model;
    static List<Path> pngs = new ArrayList<>();

    @BeforeAll
    static void trainExportAndWriteTheTestImagesAsPng() throws Exception {
        data = TrainFixtures.loadSubset(32);
        result = new Trainer(TrainFixtures.config(0.0625, 3, 25, 0.05f, true, 0.5f), null).train(data, null);
        model = dir.resolve("model");
        try (VggModel m = VggModel.create(result.spec())) {
            m.loadWeights(result.weights());
            m.export(model, result.spec().metadata(result.parameters(), "test", "test"));
        }
        Idx.Images raw = Idx.readImages(TrainFixtures.subset().resolve("t10k-images-idx3-ubyte.gz"));
        for (int i = 0; i < IMAGES; i++) {
            Path f = dir.resolve(String.format("test_%02d.png", i));
            TrainFixtures.writeGreyPng(raw.image(i), 28, f);
            pngs.add(f);
        }
    }

    @Test
    void theReloadedClassifierGivesTheTrainingSessionsProbabilitiesForTheImageFiles() throws Exception {
        int classes = result.spec().numClasses();
        try (Classifier c = Classifier.load(model)) {
            assertThat(c.info().labels()).isEqualTo(TrainingData.FASHION_MNIST_LABELS);
            ImagePipeline pipeline = new ImagePipeline(ImageLimits.DEFAULT, c.info().height(), c.info().width(),
                    c.info().preprocessing());
            float[] batch = new float[IMAGES * pipeline.floats()];
            for (int i = 0; i < IMAGES; i++) {
                pipeline.prepare(Files.readAllBytes(pngs.get(i)), batch, i * pipeline.floats());
            }
            float[][] p = c.classify(batch, IMAGES);
            for (int i = 0; i < IMAGES; i++) {
                for (int j = 0; j < classes; j++) {
                    assertThat(p[i][j]).as("image %d class %d", i, j)
                            .isCloseTo(result.testProbabilities()[i * classes + j], within(1e-5f));
                }
                assertThat(Trainer.argmax(p[i], 0, classes)).isEqualTo(result.predicted(i));
            }
        }
    }

    @Test
    void modelPredictJsonGivesTheTrainingSessionsTopClassAndProbabilities() throws Exception {
        int classes = result.spec().numClasses();
        List<String> args = new ArrayList<>(List.of("model", "predict", "--model", model.toString(), "--json",
                "--top", Integer.toString(classes)));
        pngs.forEach(p -> args.add(p.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = VggStreamCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        int code = cl.execute(args.toArray(String[]::new));

        assertThat(code).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().filter(l -> l.startsWith("{")).toList();
        assertThat(lines).hasSize(IMAGES);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < IMAGES; i++) {
            JsonNode o = json.readTree(lines.get(i));
            assertThat(o.get("image").asText()).isEqualTo(pngs.get(i).toString());
            JsonNode top = o.get("top");
            assertThat(top.size()).isEqualTo(classes);
            assertThat(top.get(0).get("index").asInt()).as("top-1 of image %d", i).isEqualTo(result.predicted(i));
            assertThat(top.get(0).get("label").asText())
                    .isEqualTo(TrainingData.FASHION_MNIST_LABELS.get(result.predicted(i)));
            for (JsonNode p : top) {
                int j = p.get("index").asInt();
                assertThat(p.get("probability").asDouble()).as("image %d class %d", i, j)
                        .isCloseTo(result.testProbabilities()[i * classes + j], within(1e-5));
            }
        }
    }
}
