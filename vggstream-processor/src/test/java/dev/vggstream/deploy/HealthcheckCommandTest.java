package dev.vggstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.config.AppConfig;
import dev.vggstream.metrics.Observability;
import dev.vggstream.service.Health;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container healthchecks, run with bash as Docker would run them, against the real HTTP endpoints: they must
 * pass exactly when {@code /health/ready} does.
 */
@EnabledOnOs(OS.LINUX)
class HealthcheckCommandTest {

    static List<String> composeCommand() {
        List<String> test = StreamSupport.stream(DeployFiles.composeService("processor").path("healthcheck")
                .path("test").spliterator(), false).map(JsonNode::asText).toList();
        assertThat(test.get(0)).isEqualTo("CMD");
        // compose turns $$ into $ before Docker sees the command
        return test.subList(1, test.size()).stream().map(a -> a.replace("$$", "$")).toList();
    }

    static List<String> dockerfileCommand(String stage) throws Exception {
        return DockerfileTest.healthcheckCommand(DeployFiles.dockerStage(stage).all("HEALTHCHECK").get(0));
    }

    static int run(List<String> command, int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("VGGSTREAM_HTTP_PORT", Integer.toString(port));
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("healthcheck did not finish: " + command);
        }
        return p.exitValue();
    }

    static List<List<String>> commands() throws Exception {
        List<List<String>> all = new ArrayList<>();
        all.add(composeCommand());
        all.add(dockerfileCommand("runtime"));
        return all;
    }

    @Test
    void passesOnlyWhenTheProcessorIsReady() throws Exception {
        Health health = new Health();
        try (Observability o = Observability.start(new AppConfig.Http(true, "127.0.0.1", 0), health)) {
            int port = o.address().orElseThrow().getPort();
            for (List<String> command : commands()) {
                assertThat(run(command, port)).as("not started: " + command).isNotZero();
            }
            health.modelReady(true);
            health.streamsState(KafkaStreams.State.REBALANCING);
            for (List<String> command : commands()) {
                assertThat(run(command, port)).as("rebalancing: " + command).isNotZero();
            }
            health.streamsState(KafkaStreams.State.RUNNING);
            for (List<String> command : commands()) {
                assertThat(run(command, port)).as("ready: " + command).isZero();
            }
        }
    }

    @Test
    void failsWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        for (List<String> command : commands()) {
            assertThat(run(command, port)).as(command.toString()).isNotZero();
        }
    }
}
