package dev.vggstream.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.config.AppConfig;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.service.Settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The files under vggstream-tools/src/test/resources/corpus (made by tools/corpus/make_corpus.py) and the limits they are tried with. */
final class CorpusFiles {

    private CorpusFiles() {
    }

    static Path dir(String sub) {
        try {
            return Path.of(CorpusFiles.class.getResource("/corpus/" + sub).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(String sub, String file) {
        try {
            return Files.readAllBytes(dir(sub).resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode manifest() {
        try {
            return new ObjectMapper().readTree(dir("").resolve("manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifest entries of one directory: valid, invalid or hostile. */
    static List<JsonNode> entries(String sub) {
        List<JsonNode> out = new ArrayList<>();
        manifest().get(sub).forEach(out::add);
        return out;
    }

    /** The processor's configuration with its defaults, plus {@code overrides}. */
    static AppConfig config(Map<String, String> overrides) {
        Properties p = new Properties();
        p.putAll(overrides);
        return AppConfig.fromProperties(p, Map.of());
    }

    /** The limits the running service builds from its default configuration (min side 8, timeout 2 s). */
    static ImageLimits serviceLimits() {
        return Settings.imageLimits(config(Map.of()));
    }
}
