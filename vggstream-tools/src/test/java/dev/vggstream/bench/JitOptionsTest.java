package dev.vggstream.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The JIT options the benchmark measured are the ones every way of starting the processor uses. */
class JitOptionsTest {

    @Test
    void theLauncherPassesTheJitOptionsBeforeTheUsersOwnSoTheUsersWin() throws IOException {
        String exec = Files.readAllLines(Path.of("vggstream")).stream()
                .filter(l -> l.startsWith("exec \"${VGGSTREAM_JAVA:-java}\" "))
                .findFirst().orElseThrow();

        assertThat(exec).contains(PeerSides.JIT_OPTIONS);
        assertThat(exec.indexOf(PeerSides.JIT_OPTIONS)).isLessThan(exec.indexOf("${JAVA_OPTS"));
    }

    @Test
    void everyContainerImageAndTheKubernetesPodSetTheJitOptions() throws IOException {
        List<String> dockerfile = values(Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\""), Path.of("Dockerfile"));
        List<String> pod = values(Pattern.compile("name: JAVA_TOOL_OPTIONS\\s+value: (.*)"),
                Path.of("deploy", "k8s", "base", "statefulset.yaml"));

        assertThat(dockerfile).isNotEmpty().allSatisfy(v -> assertThat(v).contains(PeerSides.JIT_OPTIONS));
        assertThat(pod).hasSize(1).allSatisfy(v -> assertThat(v).contains(PeerSides.JIT_OPTIONS));
    }

    @Test
    void theBenchmarksDefaultProcessorRunsWithTheRecommendedJitOptions() {
        assertThat(PeerSides.RECOMMENDED_JVM).contains(PeerSides.JIT_OPTIONS);
    }

    private static List<String> values(Pattern p, Path file) throws IOException {
        Matcher m = p.matcher(Files.readString(file));
        return m.results().map(r -> r.group(1).trim()).toList();
    }
}
