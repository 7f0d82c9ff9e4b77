package dev.vggstream.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * TF Serving's model layout: a model path holds numbered version directories ({@code models/vgg16/1}, {@code /2},
 * ...) and the highest complete one is served. A path that is itself a SavedModel is served as it is.
 */
public final class ModelVersions {

    private static final Pattern NUMBER = Pattern.compile("\\d{1,18}");

    private ModelVersions() {
    }

    /** The directory to load: the path itself if it is a SavedModel, else its highest numbered version. */
    public static Optional<Path> latest(Path modelPath) throws IOException {
        if (isSavedModel(modelPath)) {
            return Optional.of(modelPath);
        }
        if (!Files.isDirectory(modelPath)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(modelPath)) {
            return s.filter(p -> NUMBER.matcher(p.getFileName().toString()).matches())
                    .filter(ModelVersions::isSavedModel)
                    .max((a, b) -> Long.compare(version(a), version(b)));
        }
    }

    public static boolean isSavedModel(Path dir) {
        return Files.isRegularFile(dir.resolve("saved_model.pb"));
    }

    /** The version number of a numbered directory, -1 otherwise. */
    public static long version(Path dir) {
        Path name = dir.getFileName();
        return name != null && NUMBER.matcher(name.toString()).matches() ? Long.parseLong(name.toString()) : -1;
    }
}
