package dev.vggstream.it;

import dev.vggstream.bench.AotTraining;
import dev.vggstream.bench.PeerSides;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code vggstream aot-cache}'s training on a real broker: the processor on a JDK 25 writes a cache that the same
 * JDK, class path and options then start from, loading the processor's own classes from it ({@code -XX:AOTMode=on}
 * makes the JVM fail if it cannot use the cache, shown with a JVM the cache does not fit).
 */
class AotCacheIT {

    private static final List<String> JIT = Arrays.asList(PeerSides.JIT_OPTIONS.split(" "));

    private static String java;
    private static List<String> launch;

    @BeforeAll
    static void aJdk25AndAClassPathOfJars() throws Exception {
        Optional<String> jdk = AotTraining.findJdk();
        assumeTrue(jdk.isPresent(), "no JDK " + AotTraining.MIN_FEATURE + "+ under /usr/lib/jvm or in "
                + "VGGSTREAM_JDK25: the AOT cache cannot be trained here");
        java = jdk.get();
        List<String> jars = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar")).toList();
        // the cache refuses directories on the class path: the processor module must come as its jar (Maven's
        // verify phase gives it; an IDE may not)
        Optional<String> processor = jars.stream().filter(j -> Path.of(j).getFileName().toString()
                .startsWith("vggstream-processor")).findFirst();
        assumeTrue(processor.isPresent(), "the processor module is not a jar on this class path: run with mvn verify");
        launch = List.of("-cp", String.join(File.pathSeparator, jars), "dev.vggstream.run.ProcessorMain");
    }

    @Test
    void aProcessorOnTheSameJdkAndJarsLoadsItsClassesFromTheTrainedCache(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("vggstream.aot");
        StringWriter console = new StringWriter();

        AotTraining.Trained t = AotTraining.train(new AotTraining.Options(java, launch, JIT, cache, 3000),
                new PrintWriter(console, true));

        assertThat(t.bytes()).as(console.toString()).isPositive().isEqualTo(Files.size(cache));
        assertThat(t.imagesPerSecond()).isPositive();
        Exit e = start(cache, launch);
        assertThat(e.code()).as(e.output()).isZero();
        assertThat(e.output()).contains("vggstream")
                .contains("dev.vggstream.run.ProcessorMain source: shared objects file");

        // a JVM the cache does not fit (uncompressed object pointers): it runs without the cache, but not with
        // -XX:AOTMode=on, which is what makes the check above mean the cache was used
        assertThat(start(null, launch, "-XX:-UseCompressedOops").code()).isZero();
        Exit refused = start(cache, launch, "-XX:-UseCompressedOops");
        assertThat(refused.code()).as("a cache that does not fit the JVM is refused: " + refused.output())
                .isNotZero();
        assertThat(refused.output()).contains("Unable to use AOT cache");
    }

    private record Exit(int code, String output) {
    }

    /**
     * The processor's --version, with the cache required (the JVM exits non-zero when it cannot use it), or with
     * none when {@code cache} is null.
     */
    private static Exit start(Path cache, List<String> launch, String... jvmOptions)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java));
        if (cache != null) {
            cmd.addAll(List.of("-XX:AOTMode=on", "-XX:AOTCache=" + cache));
        }
        cmd.addAll(JIT);
        cmd.addAll(List.of(jvmOptions));
        cmd.add("-Xlog:class+load=info");
        cmd.addAll(launch);
        cmd.add("--version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Exit(p.exitValue(), out);
    }
}
