package dev.vggstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.config.ConfigKeys;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Dockerfile: a CPU and a GPU image, both built from the sources and both running as a non-root user. */
class DockerfileTest {

    static final List<String> RUNTIMES = List.of("runtime", "runtime-gpu");

    @Test
    void theDefaultTargetIsTheCpuRuntime() {
        List<DeployFiles.Stage> stages = DeployFiles.dockerStages();
        assertThat(stages.get(stages.size() - 1).name()).isEqualTo("runtime");
        assertThat(DeployFiles.baseImage("runtime")).isEqualTo("${JRE_IMAGE}");
        assertThat(DeployFiles.text(DeployFiles.DOCKERFILE)).contains("ARG JRE_IMAGE=eclipse-temurin:17-jre");
    }

    @Test
    void runtimeStagesRunAsANonRootUser() {
        for (String name : RUNTIMES) {
            List<String> users = DeployFiles.dockerStage(name).all("USER");
            assertThat(users).as(name).isNotEmpty();
            String user = users.get(users.size() - 1).split(":")[0];
            assertThat(user).as(name).isNotIn("root", "0");
        }
    }

    @Test
    void theGpuImageIsBuiltWithTheGpuProfileOnACudaAndCudnnBase() {
        assertThat(String.join("\n", DeployFiles.dockerStage("build-gpu").all("RUN"))).contains(" -Pgpu ");
        assertThat(String.join("\n", DeployFiles.dockerStage("build").all("RUN"))).doesNotContain("-Pgpu");
        assertThat(DeployFiles.dockerStage("runtime-gpu").from()).isEqualTo("${CUDA_IMAGE}");
        Matcher cuda = Pattern.compile("ARG CUDA_IMAGE=nvidia/cuda:12\\.[0-9.]+-cudnn\\S*-runtime-\\S+")
                .matcher(DeployFiles.text(DeployFiles.DOCKERFILE));
        assertThat(cuda.find()).as("a CUDA 12 runtime base with cuDNN").isTrue();
        assertThat(DeployFiles.dockerStage("runtime-gpu").all("COPY"))
                .anyMatch(c -> c.startsWith("--from=build-gpu "));
        assertThat(DeployFiles.dockerStage("runtime").all("COPY")).anyMatch(c -> c.startsWith("--from=build "));
    }

    @Test
    void bothProcessorBuildsMakeTheProcessorModulesShadedJarWithAMavenCache() {
        for (String name : List.of("build", "build-gpu")) {
            String run = String.join("\n", DeployFiles.dockerStage(name).all("RUN"));
            assertThat(run).as(name).contains("--mount=type=cache").contains("target=/root/.m2")
                    .contains("-Dshade.skip=false").contains("-DskipTests").contains(" package")
                    .contains("-pl vggstream-processor ").doesNotContain("-am")
                    .contains("vggstream-processor/target/vggstream-processor.jar");
        }
    }

    @Test
    void theToolsAndTheCpuProcessorShareOneStageForTheUserAndTheConfiguration() {
        assertThat(DeployFiles.dockerStage("runtime").from()).isEqualTo("app");
        assertThat(DeployFiles.dockerStage("tools").from()).isEqualTo("app");
        assertThat(DeployFiles.dockerStage("app").all("RUN")).singleElement()
                .satisfies(r -> assertThat(r).contains("useradd --system --uid 10001"));
        assertThat(DeployFiles.baseImage("tools")).isEqualTo("${JRE_IMAGE}");
    }

    @Test
    void theToolsImageRunsTheToolsJarAsANonRootUser() {
        String run = String.join("\n", DeployFiles.dockerStage("build-tools").all("RUN"));
        assertThat(run).contains("-pl vggstream-tools -am").contains("vggstream-tools/target/vggstream.jar");
        DeployFiles.Stage tools = DeployFiles.dockerStage("tools");
        assertThat(tools.all("COPY")).anyMatch(c -> c.startsWith("--from=build-tools "));
        assertThat(tools.all("USER")).isNotEmpty().allMatch(u -> !u.startsWith("root") && !u.startsWith("0"));
    }

    @Test
    void runtimesStartTheProcessorAndCheckReadiness() throws Exception {
        for (String name : RUNTIMES) {
            DeployFiles.Stage s = DeployFiles.dockerStage(name);
            assertThat(s.all("ENTRYPOINT")).as(name).containsExactly("[\"java\", \"-jar\", \"/app/vggstream.jar\"]");
            assertThat(s.all("CMD")).as(name).containsExactly("[\"run\"]");
            assertThat(s.all("HEALTHCHECK")).as(name).singleElement()
                    .satisfies(h -> assertThat(healthcheckCommand(h)).anyMatch(a -> a.contains("GET /health/ready ")));
        }
    }

    @Test
    void everyVggstreamVariableSetInAnImageOverridesAKey() {
        Pattern env = Pattern.compile("(VGGSTREAM_[A-Z0-9_]+)=");
        for (String name : RUNTIMES) {
            for (String e : DeployFiles.dockerStage(name).all("ENV")) {
                Matcher m = env.matcher(e);
                while (m.find()) {
                    assertThat(ConfigKeys.findByEnvName(m.group(1))).as(name + ": " + m.group(1)).isPresent();
                }
            }
        }
    }

    @Test
    void theBuildContextIsOnlyTheSourcesAndNeverAStaleTarget() {
        List<String> rules = DeployFiles.text(DeployFiles.DOCKERIGNORE).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(rules).containsExactly("*", "!pom.xml", "!vggstream-*/pom.xml", "!vggstream-*/src/", "!config/");
    }

    /** The exec-form arguments after {@code CMD} in a HEALTHCHECK instruction. */
    static List<String> healthcheckCommand(String healthcheck) throws Exception {
        int cmd = healthcheck.indexOf("CMD [");
        JsonNode args = DeployFiles.JSON.readTree(healthcheck.substring(cmd + 4));
        return java.util.stream.StreamSupport.stream(args.spliterator(), false).map(JsonNode::asText).toList();
    }
}
