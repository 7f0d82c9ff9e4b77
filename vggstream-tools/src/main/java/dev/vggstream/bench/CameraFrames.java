package dev.vggstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Camera-like JPEG frames made of real photographs, written by {@code tools/frames/make_frames.py} (Debian's
 * python3-skimage and python3-pil) into a directory of the caller's; nothing of it is committed.
 *
 * @param frames frame size ("1920x1080") to its frames, in order
 * @param photos each photograph alone at its native size, by name
 */
public record CameraFrames(Map<String, List<byte[]>> frames, Map<String, byte[]> photos) {

    public static final String SCRIPT = "tools/frames/make_frames.py";
    public static final List<String> SIZES = List.of("1280x720", "1920x1080", "3840x2160");

    /** Why the frames cannot be made here (no script, no Python, no skimage): the part or test is skipped. */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String reason) {
            super(reason);
        }
    }

    /** Runs the script into {@code dir} ({@code count} frames per size) and reads what it wrote. */
    public static CameraFrames make(Path dir, int count) throws Unavailable, IOException, InterruptedException {
        Path script = findScript().orElseThrow(() -> new Unavailable(SCRIPT + " not found from "
                + Path.of("").toAbsolutePath() + " or its parents"));
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Files.createDirectories(dir);
        Path log = dir.resolve("make_frames.log");
        Process p;
        try {
            p = new ProcessBuilder(python, script.toString(), dir.toString(), "--count", Integer.toString(count))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new Unavailable("cannot run " + python + ": " + e.getMessage());
        }
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(SCRIPT + " took more than 5 minutes");
        }
        if (p.exitValue() != 0) {
            String out = Files.readString(log).strip();
            // exit 3: the script's own "needs python3-skimage and python3-pil"; 1 with an import error likewise
            if (p.exitValue() == 3 || out.contains("ModuleNotFoundError") || out.contains("ImportError")) {
                throw new Unavailable(out.lines().reduce((a, b) -> b).orElse("python3-skimage or PIL missing"));
            }
            throw new IOException(SCRIPT + " failed (exit " + p.exitValue() + "): " + out);
        }
        Map<String, List<byte[]>> frames = new LinkedHashMap<>();
        for (String size : SIZES) {
            frames.put(size, readAll(dir.resolve(size)));
        }
        Map<String, byte[]> photos = new LinkedHashMap<>();
        for (Path f : sorted(dir.resolve("photos"))) {
            photos.put(f.getFileName().toString().replace(".jpg", ""), Files.readAllBytes(f));
        }
        return new CameraFrames(frames, photos);
    }

    private static java.util.Optional<Path> findScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(SCRIPT))) {
                return java.util.Optional.of(d.resolve(SCRIPT));
            }
        }
        return java.util.Optional.empty();
    }

    private static List<byte[]> readAll(Path dir) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (Path f : sorted(dir)) {
            out.add(Files.readAllBytes(f));
        }
        return out;
    }

    private static List<Path> sorted(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.toString().endsWith(".jpg")).sorted().toList();
        }
    }
}
