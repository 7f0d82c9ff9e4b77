package dev.vggstream.service;

import dev.vggstream.batch.FakeClassifier;
import dev.vggstream.batch.ServedModel;
import dev.vggstream.config.AppConfig;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.Preprocessing;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RehearsalTest {

    final FakeClassifier model = new FakeClassifier(32);
    final ServedModel served = new ServedModel(model,
            new ImagePipeline(ImageLimits.DEFAULT, 32, 32, Preprocessing.TORCH));

    static AppConfig config(Map<String, String> env) {
        // no broker at this address: the rehearsal must not need one
        return AppConfig.fromProperties(new Properties(), env);
    }

    @Test
    void everySyntheticEventGetsAResultAndTheRealModelIsNeverCalled() {
        AppConfig c = config(Map.of("VGGSTREAM_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                "VGGSTREAM_BATCH_MAX_SIZE", "8"));
        // 101 events: whole batches of 8 and a partial one, which only the wall clock's tick flushes
        assertThat(Rehearsal.run(c, StreamsProperties.of(c), served, 101)).isEqualTo(101);
        assertThat(model.batchSizes()).as("the stand-in answers, not the served model").isEmpty();
    }

    @Test
    void underExactlyOnceTheRehearsalAnswersToo() {
        AppConfig c = config(Map.of("VGGSTREAM_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                "VGGSTREAM_KAFKA_PROCESSING_GUARANTEE", "exactly_once_v2"));
        assertThat(Rehearsal.run(c, StreamsProperties.of(c), served, 40)).isEqualTo(40);
    }

    @Test
    void noRehearsalIsAskedForByZero() {
        AppConfig c = config(Map.of());
        assertThat(Rehearsal.run(c, StreamsProperties.of(c), served, 0)).isZero();
    }

    @Test
    void theRehearsalLeavesNoStateDirectoryBehind() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = rehearsalDirs(tmp);
        AppConfig c = config(Map.of("VGGSTREAM_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"));
        Rehearsal.run(c, StreamsProperties.of(c), served, 10);
        assertThat(rehearsalDirs(tmp)).isEqualTo(before);
    }

    private static long rehearsalDirs(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("vggstream-rehearsal")).count();
        }
    }
}
