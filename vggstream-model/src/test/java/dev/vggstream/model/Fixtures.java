package dev.vggstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** The torchvision and Pillow reference fixtures under vggstream-model/src/test/resources/fixtures (see tools/fixtures). */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path dir(String sub) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + sub).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(String sub, String file) {
        try {
            return new ObjectMapper().readTree(dir(sub).resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, NpyArray> npz(String sub, String file) {
        try {
            return Npz.read(dir(sub).resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
