package dev.vggstream.deploy;

import dev.vggstream.run.ProcessorMain;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The processor's shaded jar (the Docker image) is its classes plus its runtime classpath, which the build writes
 * to target/runtime-classpath.txt: the entries of both are what the image can load. No broker, no Scala, no tooling.
 */
class ProcessorJarTest {

    static List<String> entries;

    @BeforeAll
    static void readTheClassesAndEveryRuntimeJar() throws Exception {
        Path classes = Path.of(ProcessorMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            files.filter(Files::isRegularFile).forEach(f -> out.add(classes.relativize(f).toString().replace('\\', '/')));
        }
        String classpath = Files.readString(classes.resolveSibling("runtime-classpath.txt")).strip();
        for (String jar : classpath.split(java.io.File.pathSeparator)) {
            out.addAll(jarEntries(Path.of(jar)));
        }
        entries = out;
    }

    private static List<String> jarEntries(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.stream().map(e -> e.getName()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void holdsTheProcessorAndWhatItRunsOn() {
        assertThat(entries).contains("dev/vggstream/run/ProcessorMain.class",
                "dev/vggstream/service/VggService.class",
                "org/apache/kafka/streams/KafkaStreams.class",
                "org/tensorflow/SavedModelBundle.class");
    }

    /** kafka_2.13 (the broker) is kafka/server and Scala; kafka-clients itself carries org/apache/kafka/server/
     *  authorizer interfaces, so that prefix is not a sign of the broker, while raft, controller and storage are. */
    @Test
    void holdsNoKafkaBrokerAndNoScala() {
        assertThat(entries).noneMatch(e -> e.startsWith("kafka/server/") || e.startsWith("scala/")
                || e.startsWith("org/apache/kafka/raft/") || e.startsWith("org/apache/kafka/controller/")
                || e.startsWith("org/apache/kafka/storage/"));
    }

    @Test
    void holdsNoTrainerNoGraphBuilderNoBenchmarkAndNoTools() {
        List<String> tooling = Arrays.asList("dev/vggstream/train/", "dev/vggstream/model/", "dev/vggstream/bench/",
                "dev/vggstream/cli/", "dev/vggstream/kafka/", "demo/",
                // the charting library draws the benchmark's and the training's charts only
                "org/knowm/xchart/");
        assertThat(entries).noneMatch(e -> tooling.stream().anyMatch(e::startsWith));
    }
}
