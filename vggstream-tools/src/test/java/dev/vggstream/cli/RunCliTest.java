package dev.vggstream.cli;

import dev.vggstream.run.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** How {@code vggstream run} refuses to start: one line saying why, and an exit code per kind of problem. */
class RunCliTest {

    @TempDir
    Path dir;

    Path config(String... lines) throws Exception {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(lines));
        all.add("http.enabled=false"); // these tests stop before serving anything; no port needed
        return Files.write(dir.resolve("app.properties"), all);
    }

    @Test
    void aGpuThatIsNotThereStopsTheProcessorWithTheDeviceExitCode() throws Exception {
        CliRun r = CliRun.of("run", "--config", config("inference.device=gpu",
                "kafka.bootstrap.servers=127.0.0.1:1").toString());
        ModelCliTest.assertOneLineError(r, ExitCodes.DEVICE, "inference.device=gpu:0 but TensorFlow sees no GPU");
    }

    @Test
    void anUnknownKeyStopsTheProcessorWithTheConfigExitCodeNamingTheKey() throws Exception {
        CliRun r = CliRun.of("run", "--config", config("batch.max-sise=4").toString());
        ModelCliTest.assertOneLineError(r, ExitCodes.CONFIG, "batch.max-sise");
        assertThat(r.errorLines().get(0)).contains("batch.max-size");
    }

    @Test
    void unreachableKafkaStopsTheProcessorWithTheKafkaExitCode() throws Exception {
        CliRun r = CliRun.of("run", "--config", config("inference.device=cpu", "kafka.bootstrap.servers=127.0.0.1:1",
                "kafka.default.api.timeout.ms=2000", "kafka.request.timeout.ms=1000").toString());
        ModelCliTest.assertOneLineError(r, ExitCodes.KAFKA, "cannot reach Kafka at 127.0.0.1:1");
    }
}
