package dev.vggstream.cli;

import dev.vggstream.inference.ModelMetadata;
import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** What several commands check in their arguments, each failure a one-line error with its exit code. */
final class Arguments {

    private Arguments() {
    }

    /** {@code s}'s value; an IllegalArgumentException (a bad option value) is a usage error. */
    static <T> T parse(Supplier<T> s) {
        try {
            return s.get();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** An output directory must not exist or be empty: nothing of the user's is overwritten. */
    static void checkOut(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        boolean empty;
        try (var entries = Files.list(dir)) {
            empty = entries.findAny().isEmpty();
        } catch (NotDirectoryException e) {
            empty = false;
        }
        if (!empty) {
            throw new CliException(ExitCodes.USAGE, "output directory " + dir + " exists and is not empty");
        }
    }

    /** A label file: one label per line, at least one. */
    static List<String> readLabels(Path file) {
        try {
            List<String> l = ModelMetadata.readLabelFile(file);
            if (l.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, file + " has no labels");
            }
            return l;
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot read labels " + file + ": " + e.getMessage(), e);
        }
    }
}
