package dev.vggstream.metrics;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Headless Chromium for the live-view tests (Debian's chromium); absent on machines without it. */
public final class Chromium {

    private final String binary;
    private final Path profile;

    private Chromium(String binary, Path profile) {
        this.binary = binary;
        this.profile = profile;
    }

    /** The installed Chromium, with its profile in {@code profile}; empty when none is installed. */
    public static Optional<Chromium> find(Path profile) {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                return Optional.of(new Chromium(c, profile));
            }
        }
        return Optional.empty();
    }

    /** The DOM of {@code url} after its scripts ran for a few seconds of virtual time. */
    public String dom(String url) throws Exception {
        return run("--dump-dom", url);
    }

    /** Saves a PNG of {@code url} as rendered in a {@code width} x {@code height} window. */
    public void screenshot(String url, Path png, int width, int height) throws Exception {
        run("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, "--hide-scrollbars",
                url);
        assertThat(png).isNotEmptyFile();
    }

    private String run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary, "--headless", "--disable-gpu", "--no-sandbox",
                "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile.resolve("chromium"),
                "--virtual-time-budget=5000"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(profile, "chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        assertThat(done).as("chromium finished").isTrue();
        assertThat(p.exitValue()).as("chromium exit status").isZero();
        String s = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        return s;
    }
}
