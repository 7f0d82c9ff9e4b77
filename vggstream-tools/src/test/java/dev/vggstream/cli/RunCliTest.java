package dev.vggstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.run.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
    void kafkaValuesNoKafkaClientAcceptsStopTheProcessorWithTheConfigExitCodeNamingTheKeysBeforeAnyConnection()
            throws Exception {
        // Kafka is unreachable: before the check, this waited 30 s for a connection and exited 4
        CliRun r = CliRun.of("run", "--config", config("kafka.bootstrap.servers=127.0.0.1:1",
                "kafka.num.stream.threads=abc", "kafka.linger.ms=-5").toString());
        ModelCliTest.assertOneLineError(r, ExitCodes.CONFIG, "kafka.num.stream.threads");
        assertThat(r.errorLines().get(0)).contains("kafka.linger.ms").contains("Not a number of type INT")
                .contains("at least 0");
        assertThat(r.err()).doesNotContain("cannot reach Kafka");
    }

    @Test
    void withLogFormatJsonEveryLogLineIsAJsonObjectWithLevelLoggerAndMessageAndSecretsStayRedacted()
            throws Exception {
        String secret = "Trust-Pw-6d1e-NEVER-LOG";
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ch.qos.logback.classic.LoggerContext ctx = (ch.qos.logback.classic.LoggerContext)
                org.slf4j.LoggerFactory.getILoggerFactory();
        var appender = (ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>)
                ctx.getLogger("ROOT").iteratorForAppenders().next();
        var textEncoder = appender.getEncoder();
        CliRun r;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            r = CliRun.of("run", "--config", config("log.format=json", "inference.device=cpu",
                    "kafka.bootstrap.servers=127.0.0.1:1", "startup.kafka-timeout-ms=1000",
                    "kafka.request.timeout.ms=500", "kafka.ssl.truststore.pasword=" + secret).toString());
        } finally {
            System.setErr(original);
            appender.stop();
            appender.setEncoder(textEncoder);
            appender.start();
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(r.exitCode()).as(r.err() + logs).isEqualTo(ExitCodes.KAFKA);
        assertThat(r.errorLines()).as("the connection wait is startup.kafka-timeout-ms")
                .singleElement().asString().contains("within 1 s");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : logs.lines().filter(l -> l.startsWith("{")).toList()) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).as(logs).isNotEmpty().allSatisfy(j -> {
            assertThat(j.path("level").asText()).isNotEmpty();
            assertThat(j.path("loggerName").asText()).isNotEmpty();
            assertThat(j.has("formattedMessage")).isTrue();
        });
        assertThat(lines).as("the effective configuration, as JSON, with the misspelt secret redacted")
                .anySatisfy(j -> {
                    assertThat(j.get("level").asText()).isEqualTo("INFO");
                    assertThat(j.get("loggerName").asText()).isEqualTo("dev.vggstream.service.VggService");
                    assertThat(j.get("formattedMessage").asText()).contains("effective configuration")
                            .contains("kafka.ssl.truststore.pasword = [redacted]");
                });
        assertThat(lines).as("the warning naming the nearest known key").anySatisfy(j -> {
            assertThat(j.get("level").asText()).isEqualTo("WARN");
            assertThat(j.get("formattedMessage").asText()).contains("did you mean kafka.ssl.truststore.password?");
        });
        assertThat(logs + r.err()).doesNotContain(secret).doesNotContain("6d1e");
    }

    @Test
    void unreachableKafkaStopsTheProcessorWithTheKafkaExitCode() throws Exception {
        CliRun r = CliRun.of("run", "--config", config("inference.device=cpu", "kafka.bootstrap.servers=127.0.0.1:1",
                "kafka.default.api.timeout.ms=2000", "kafka.request.timeout.ms=1000").toString());
        ModelCliTest.assertOneLineError(r, ExitCodes.KAFKA, "cannot reach Kafka at 127.0.0.1:1");
    }
}
