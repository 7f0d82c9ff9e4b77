package dev.vggstream.cli;

import dev.vggstream.run.ExitCodes;
import dev.vggstream.inference.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ModelCliTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path jpeg;
    static Path png;

    @BeforeAll
    static void buildATinyModelAndImages() throws Exception {
        model = dir.resolve("tiny");
        CliRun r = CliRun.of("model", "build", "--arch", "vgg11", "--width", "0.0625", "--image-size", "32",
                "--num-classes", "3", "--out", model.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        BufferedImage img = new BufferedImage(50, 40, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 50; x++) {
                img.setRGB(x, y, (x * 5) << 16 | (y * 6) << 8 | 128);
            }
        }
        jpeg = dir.resolve("a.jpg");
        png = dir.resolve("b.png");
        ImageIO.write(img, "jpeg", jpeg.toFile());
        ImageIO.write(img, "png", png.toFile());
    }

    @Test
    void buildReportsTheNetworkItWrote() {
        Path out = dir.resolve("bn");
        CliRun r = CliRun.of("model", "build", "--arch", "vgg13", "--batch-norm", "--width", "0.0625",
                "--dynamic-size", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("built vgg13_bn").contains("any input size").contains("1000 classes");
        assertThat(out.resolve("saved_model.pb")).exists();
        assertThat(out.resolve("assets.extra/labels.txt")).exists();
    }

    @Test
    void predictPrintsTopClassesForEachImage() {
        CliRun r = CliRun.of("model", "predict", "--model", model.toString(), "--top", "2", jpeg.toString(),
                png.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains(jpeg.toString()).contains(png.toString()).contains("class_");
        assertThat(r.out().lines().filter(l -> l.startsWith("  0.")).count()).isEqualTo(4);
    }

    @Test
    void predictJsonIsOneObjectPerImageWithIndexLabelAndProbability() throws Exception {
        CliRun r = CliRun.of("model", "predict", "--json", "--model", model.toString(), "--top", "3", png.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        var lines = r.out().lines().toList();
        assertThat(lines).hasSize(1);
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
        assertThat(node.get("image").asText()).isEqualTo(png.toString());
        assertThat(node.get("top")).hasSize(3);
        double sum = 0;
        for (var t : node.get("top")) {
            assertThat(t.get("label").asText()).startsWith("class_");
            assertThat(t.get("index").asInt()).isBetween(0, 2);
            sum += t.get("probability").asDouble();
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void unknownArchitectureIsAOneLineUsageError() {
        CliRun r = CliRun.of("model", "build", "--arch", "vgg12", "--out", dir.resolve("x").toString());
        assertOneLineError(r, ExitCodes.USAGE, "unknown architecture 'vgg12'");
    }

    @Test
    void badWidthAndSizeAreOneLineUsageErrors() {
        assertOneLineError(CliRun.of("model", "build", "--arch", "vgg11", "--width", "0", "--out",
                dir.resolve("x").toString()), ExitCodes.USAGE, "width must be in (0, 4]");
        assertOneLineError(CliRun.of("model", "build", "--arch", "vgg11", "--width", "wide", "--out",
                dir.resolve("x").toString()), ExitCodes.USAGE, "'wide'");
        assertOneLineError(CliRun.of("model", "build", "--arch", "vgg11", "--image-size", "16", "--out",
                dir.resolve("x").toString()), ExitCodes.USAGE, "image size must be at least 32");
    }

    @Test
    void buildWithoutArchOrOutIsAOneLineUsageErrorNamingTheMissingOption() {
        assertOneLineError(CliRun.of("model", "build", "--out", dir.resolve("x").toString()), ExitCodes.USAGE,
                "Missing required option: '--arch=<arch>'");
        assertOneLineError(CliRun.of("model", "build", "--arch", "vgg11"), ExitCodes.USAGE,
                "Missing required option: '--out=<out>'");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void imageSizeAndDynamicSizeTogetherAreAOneLineUsageError() {
        assertOneLineError(CliRun.of("model", "build", "--arch", "vgg11", "--image-size", "64", "--dynamic-size",
                "--out", dir.resolve("x").toString()), ExitCodes.USAGE, "mutually exclusive");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void buildTrainAndBenchModelTakeTheSameModelOptions() {
        for (String[] command : new String[][] {{"model", "build"}, {"model", "train"}, {"bench", "model"}}) {
            CliRun help = CliRun.of(command[0], command[1], "--help");
            assertThat(help.out()).as(String.join(" ", command)).contains("--arch=", "--batch-norm", "--width=",
                    "--image-size=", "--preprocess=", "--seed=", "--out=");
        }
    }

    @Test
    void brokenWeightsFileIsAOneLineError() throws Exception {
        Path npz = Files.writeString(dir.resolve("broken.npz"), "PK but not really");
        CliRun r = CliRun.of("model", "build", "--arch", "vgg11", "--weights", npz.toString(), "--out",
                dir.resolve("x").toString());
        assertOneLineError(r, ExitCodes.FAILED, "broken.npz");
    }

    @Test
    void corruptTruncatedAndNonImageFilesAreOneLineErrorsWhileGoodImagesAreStillClassified() throws Exception {
        byte[] good = Files.readAllBytes(jpeg);
        Path truncated = Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(good, good.length / 2));
        Path text = Files.writeString(dir.resolve("notes.jpg"), "just some text");
        byte[] corrupt = good.clone();
        for (int i = good.length / 2; i < good.length - 2; i++) {
            corrupt[i] = (byte) 0xFF; // entropy-coded data replaced by markers
        }
        Path bad = Files.write(dir.resolve("corrupt.jpg"), corrupt);
        CliRun r = CliRun.of("model", "predict", "--model", model.toString(), truncated.toString(), jpeg.toString(),
                text.toString(), bad.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.errorLines()).hasSize(3);
        assertThat(r.errorLines().get(0)).contains("truncated.jpg").contains("truncated");
        assertThat(r.errorLines().get(1)).contains("notes.jpg").contains("not a JPEG or PNG");
        assertThat(r.errorLines().get(2)).contains("corrupt.jpg");
        assertThat(r.hasStackTrace()).isFalse();
        assertThat(r.out()).contains(jpeg.toString());
    }

    @Test
    void aModelWithAnUnusableSignatureIsAOneLineErrorAndVerboseAddsTheTrace() throws Exception {
        Path flat = TestModels.withInputShape(dir.resolve("flat"), Shape.of(-1, 10));
        CliRun r = CliRun.of("model", "predict", "--model", flat.toString(), png.toString());
        assertOneLineError(r, ExitCodes.FAILED, "needs float32 [batch, height, width, 3]");
        CliRun verbose = CliRun.of("model", "predict", "--verbose", "--model", flat.toString(), png.toString());
        assertThat(verbose.hasStackTrace()).isTrue();
    }

    @Test
    void inspectOfANonModelIsAOneLineError() {
        assertOneLineError(CliRun.of("model", "inspect", dir.toString()), ExitCodes.FAILED, "no saved_model.pb");
    }

    @Test
    void inspectDescribesSignatureParametersLabelsAndSize() {
        CliRun r = CliRun.of("model", "inspect", model.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("signature:     serving_default").contains("input  images")
                .contains("[?, 32, 32, 3]").contains("output probabilities").contains("trainable")
                .contains("preprocessing: torch").contains("labels:        3").contains("size on disk:")
                .contains("classifier:    yes");
    }

    static void assertOneLineError(CliRun r, int code, String fragment) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(code);
        assertThat(r.errorLines()).as(r.err()).hasSize(1);
        assertThat(r.errorLines().get(0)).contains(fragment);
        assertThat(r.hasStackTrace()).as(r.err()).isFalse();
    }
}
