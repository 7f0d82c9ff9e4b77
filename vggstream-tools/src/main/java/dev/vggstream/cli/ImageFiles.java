package dev.vggstream.cli;

import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Image files named on a command line: files as given, folders for the images in them. */
final class ImageFiles {

    private ImageFiles() {
    }

    /** Every file given, and every image under every folder given (sorted); a missing path is a usage error. */
    static List<Path> walk(List<Path> args) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : args) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).filter(ImageFiles::isImage).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new CliException(ExitCodes.USAGE, "no such file: " + p);
            }
        }
        return out;
    }

    /** By name: what a folder's listing counts as an image. */
    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }
}
