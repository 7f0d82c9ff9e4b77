package dev.vggstream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a progress bar drawn (as on a terminal) the summary of {@code model build} starts a line of its own: stdout
 * and stderr share the terminal, so the bar's line must be finished before the summary is printed.
 */
class ProgressBarOutputTest {

    @TempDir
    Path dir;

    @Test
    void theBuildSummaryStartsItsOwnLineAfterTheProgressBar() throws Exception {
        Path out = dir.resolve("both.txt");
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "dev.vggstream.cli.Main",
                "model", "build", "--arch", "vgg11", "--width", "0.0625", "--image-size", "32",
                "--out", dir.resolve("m").toString()))
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("VGGSTREAM_PROGRESS", "bar");
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        Process p = pb.start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).as("the bar was drawn").contains("build vgg11 [");
        assertThat(text).as(text).containsPattern("(?m)^built vgg11 ").doesNotContainPattern("\\S+built vgg11");
    }
}
