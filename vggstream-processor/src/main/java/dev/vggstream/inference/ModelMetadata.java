package dev.vggstream.inference;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What vggstream stores beside a SavedModel, in {@code assets.extra/} (TF Serving's place for files the graph does
 * not read): {@value #FILE} and {@value #LABELS_FILE}, one label per line. Anything that loads the model can learn
 * its labels and preprocessing from there; a model without them (e.g. exported from Keras) gets defaults.
 *
 * @param imageSize the side images are prepared to; {@code dynamicSize} says whether the graph accepts others
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelMetadata(int format, String name, String arch, Boolean batchNorm, Double width, int numClasses,
                            int imageSize, boolean dynamicSize, String preprocessing, Long parameters,
                            String weights, String createdBy) {

    public static final String DIR = "assets.extra";
    public static final String FILE = "vggstream.json";
    public static final String LABELS_FILE = "labels.txt";
    public static final int FORMAT = 1;
    /** The serving signature's outputs a vggstream graph names: scores before and after the softmax. */
    public static final String LOGITS = "logits";
    public static final String PROBABILITIES = "probabilities";
    /** The side images are prepared to when a model states none (torchvision's VGG input). */
    public static final int DEFAULT_IMAGE_SIZE = 224;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);


    /** Writes {@value #FILE} and the labels into {@code modelDir/assets.extra}. */
    public void write(Path modelDir, List<String> labels) throws IOException {
        Path dir = Files.createDirectories(modelDir.resolve(DIR));
        JSON.writeValue(dir.resolve(FILE).toFile(), this);
        Files.write(dir.resolve(LABELS_FILE), labels, StandardCharsets.UTF_8);
    }

    /** The metadata stored beside a SavedModel, if any. */
    public static Optional<ModelMetadata> read(Path modelDir) throws IOException {
        Path file = modelDir.resolve(DIR).resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), ModelMetadata.class));
        } catch (IOException e) {
            throw new IOException(file + " is not valid model metadata: " + e.getMessage(), e);
        }
    }

    /** The labels stored beside a SavedModel, if any. */
    public static Optional<List<String>> readLabels(Path modelDir) throws IOException {
        Path file = modelDir.resolve(DIR).resolve(LABELS_FILE);
        return Files.isRegularFile(file) ? Optional.of(readLabelFile(file)) : Optional.empty();
    }

    /** One label per line; blank lines at the end are ignored, inner ones are not (they keep indices aligned). */
    public static List<String> readLabelFile(Path file) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }
}
