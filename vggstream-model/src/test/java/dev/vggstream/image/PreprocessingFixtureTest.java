package dev.vggstream.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.model.Fixtures;
import dev.vggstream.model.NpyArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decoding, resizing and preprocessing against the reference Python stack, on real files made by Pillow and
 * ImageMagick (tools/fixtures). Resampling and normalisation must match bit for bit; decoded JPEG pixels within
 * the few levels by which libjpeg-turbo and the JDK's decoder differ; PNG pixels exactly.
 */
class PreprocessingFixtureTest {

    static Map<String, NpyArray> expected;

    @BeforeAll
    static void load() {
        expected = Fixtures.npz("images", "expected.npz");
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode f : Fixtures.json("images", "expected.json").get("files")) {
            for (JsonNode p : f.get("preprocess")) {
                out.add(Arguments.of(f.get("file").asText(), p.get("S").asInt(), f));
            }
        }
        assertThat(out).hasSizeGreaterThan(12);
        return out.stream();
    }

    static Stream<JsonNode> files() {
        List<JsonNode> out = new ArrayList<>();
        Fixtures.json("images", "expected.json").get("files").forEach(out::add);
        return out.stream();
    }

    @ParameterizedTest(name = "{0} at {1}px: Pillow's resize and crop, bit for bit")
    @MethodSource("cases")
    void resizeAndCenterCropEqualPillowAndTorchvision(String file, int size, JsonNode meta) {
        RgbImage reference = image(file + ".rgb");
        RgbImage ours = new ImagePreparer(size, size, Preprocessing.TORCH).resizeAndCrop(reference);
        assertThat(ours.pixels()).isEqualTo(bytes(file + ".resized." + size));
    }

    @ParameterizedTest(name = "{0} at {1}px: torch and caffe formulas")
    @MethodSource("cases")
    void torchAndCaffePreprocessingEqualTheReferenceFormulas(String file, int size, JsonNode meta) {
        RgbImage resized = image(file + ".resized." + size);
        for (Preprocessing p : List.of(Preprocessing.TORCH, Preprocessing.CAFFE)) {
            float[] ours = new float[size * size * 3];
            new ImagePreparer(size, size, p).toFloats(resized, ours, 0);
            float[] want = expected.get(file + "." + p.id() + "." + size).data();
            assertThat(ours).as(p.id()).containsExactly(want);
        }
    }

    @ParameterizedTest(name = "{0}: decoded pixels")
    @MethodSource("files")
    void decodedPixelsMatchTheReferenceDecoder(JsonNode meta) throws Exception {
        String file = meta.get("file").asText();
        RgbImage ours = new ImageDecoder(ImageLimits.DEFAULT).decode(Files.readAllBytes(
                Fixtures.dir("images").resolve(file)));
        RgbImage ref = image(file + ".rgb");
        assertThat(ours.width()).isEqualTo(ref.width());
        assertThat(ours.height()).isEqualTo(ref.height());
        int maxDiff = 0;
        long sumDiff = 0;
        for (int i = 0; i < ref.pixels().length; i++) {
            int d = Math.abs((ours.pixels()[i] & 0xff) - (ref.pixels()[i] & 0xff));
            maxDiff = Math.max(maxDiff, d);
            sumDiff += d;
        }
        double meanDiff = (double) sumDiff / ref.pixels().length;
        if (meta.get("bitExact").asBoolean()) {
            assertThat(maxDiff).as("PNG pixels are exact").isZero();
        } else {
            // libjpeg-turbo's ISLOW IDCT and fancy upsampling against the JDK's libjpeg 6b
            assertThat(meanDiff).as("mean level difference").isLessThan(1.0);
            assertThat(maxDiff).as("largest level difference").isLessThanOrEqualTo(8);
        }
    }

    @ParameterizedTest(name = "{0} at {1}px: decode + prepare end to end")
    @MethodSource("cases")
    void endToEndInputEqualsTorchvisionsWithinDecoderTolerance(String file, int size, JsonNode meta)
            throws Exception {
        ImagePipeline pipeline = new ImagePipeline(ImageLimits.DEFAULT, size, size, Preprocessing.TORCH);
        float[] ours = pipeline.prepare(Files.readAllBytes(Fixtures.dir("images").resolve(file)));
        float[] want = expected.get(file + ".torch." + size).data();
        double tolerance = meta.get("bitExact").asBoolean() ? 0 : 8 / 255.0 / 0.224;
        double maxErr = 0;
        for (int i = 0; i < want.length; i++) {
            maxErr = Math.max(maxErr, Math.abs(ours[i] - want[i]));
        }
        assertThat(maxErr).isLessThanOrEqualTo(tolerance);
    }

    static RgbImage image(String key) {
        NpyArray a = expected.get(key);
        assertThat(a).as(key).isNotNull();
        return new RgbImage((int) a.shape()[1], (int) a.shape()[0], bytes(key));
    }

    static byte[] bytes(String key) {
        float[] f = expected.get(key).data();
        byte[] b = new byte[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = (byte) (int) f[i];
        }
        return b;
    }
}
