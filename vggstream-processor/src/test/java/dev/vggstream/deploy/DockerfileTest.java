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

    /** The stages whose settings the processor image ends up with, on either device. */
    static final List<String> PROCESSOR_STAGES = List.of("runtime", "processor-cpu", "processor-gpu");

    @Test
    void theDefaultTargetIsTheRuntimeStartingFromTheCpuProcessor() {
        List<DeployFiles.Stage> stages = DeployFiles.dockerStages();
        assertThat(stages.get(stages.size() - 1).name()).isEqualTo("runtime");
        assertThat(DeployFiles.dockerStage("runtime").from()).isEqualTo("processor-${DEVICE}");
        assertThat(DeployFiles.text(DeployFiles.DOCKERFILE)).contains("\nARG DEVICE=cpu\n");
        assertThat(DeployFiles.baseImage("processor-cpu")).isEqualTo("${JRE_IMAGE}");
        assertThat(DeployFiles.text(DeployFiles.DOCKERFILE)).contains("ARG JRE_IMAGE=eclipse-temurin:25-jre");
    }

    @Test
    void theDeviceArgumentIsDeclaredBeforeTheFirstStageSoFromCanUseIt() {
        String dockerfile = DeployFiles.text(DeployFiles.DOCKERFILE);
        assertThat(dockerfile.indexOf("\nARG DEVICE=")).isPositive()
                .isLessThan(dockerfile.indexOf("\nFROM "));
        for (String device : List.of("cpu", "gpu")) {
            assertThat(DeployFiles.dockerStage("processor-" + device).all("COPY")).as(device)
                    .anyMatch(c -> c.endsWith(" /vggstream.jar /app/vggstream.jar"));
        }
    }

    @Test
    void theDeviceArgumentPicksTheProcessorStageTheRuntimeBuildsOn() {
        assertThat(DeployFiles.dockerStageChain("runtime").get(1).name()).isEqualTo("processor-cpu");
        List<DeployFiles.Stage> gpu = DeployFiles.dockerStageChain("runtime", java.util.Map.of("DEVICE", "gpu"));
        assertThat(gpu.get(1).name()).isEqualTo("processor-gpu");
        assertThat(gpu.get(gpu.size() - 1).from()).isEqualTo("${CUDA_IMAGE}");
    }

    @Test
    void theRuntimeRunsAsANonRootUser() {
        List<String> users = DeployFiles.dockerStage("runtime").all("USER");
        assertThat(users).isNotEmpty();
        assertThat(users.get(users.size() - 1).split(":")[0]).isNotIn("root", "0");
    }

    @Test
    void theGpuProcessorIsBuiltWithTheGpuProfileOnACudaAndCudnnBase() {
        assertThat(String.join("\n", DeployFiles.dockerStage("build-gpu").all("RUN"))).contains(" -Pgpu ");
        assertThat(String.join("\n", DeployFiles.dockerStage("build").all("RUN"))).doesNotContain("-Pgpu");
        assertThat(DeployFiles.dockerStage("processor-gpu").from()).isEqualTo("${CUDA_IMAGE}");
        Matcher cuda = Pattern.compile("ARG CUDA_IMAGE=nvidia/cuda:12\\.[0-9.]+-cudnn\\S*-runtime-\\S+")
                .matcher(DeployFiles.text(DeployFiles.DOCKERFILE));
        assertThat(cuda.find()).as("a CUDA 12 runtime base with cuDNN").isTrue();
        assertThat(DeployFiles.dockerStage("processor-gpu").all("COPY"))
                .anyMatch(c -> c.startsWith("--from=build-gpu "));
        assertThat(DeployFiles.dockerStage("processor-gpu").all("ENV"))
                .anyMatch(e -> e.contains("VGGSTREAM_INFERENCE_DEVICE=gpu"));
        assertThat(DeployFiles.dockerStage("processor-cpu").all("COPY")).anyMatch(c -> c.startsWith("--from=build "));
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
        assertThat(DeployFiles.dockerStage("processor-cpu").from()).isEqualTo("app");
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
    void theRuntimeStartsTheProcessorAndChecksReadiness() throws Exception {
        DeployFiles.Stage s = DeployFiles.dockerStage("runtime");
        assertThat(s.all("ENTRYPOINT")).containsExactly("[\"java\", \"-jar\", \"/app/vggstream.jar\"]");
        assertThat(s.all("CMD")).containsExactly("[\"run\"]");
        assertThat(s.all("HEALTHCHECK")).singleElement()
                .satisfies(h -> assertThat(healthcheckCommand(h)).anyMatch(a -> a.contains("GET /health/ready ")));
    }

    @Test
    void theCpuProcessorStartsFromAnAotCacheTrainedOnTheJarAtThePathItRunsFrom() {
        DeployFiles.Stage aot = DeployFiles.dockerStage("aot-cpu");
        assertThat(aot.from()).isEqualTo("app");
        assertThat(aot.all("COPY")).contains("--from=build /vggstream.jar /app/vggstream.jar");
        assertThat(String.join("\n", aot.all("RUN"))).contains(" aot-cache --jar /app/vggstream.jar "
                + "--out /app/vggstream.aot");
        DeployFiles.Stage cpu = DeployFiles.dockerStage("processor-cpu");
        assertThat(cpu.all("COPY")).contains("--from=aot-cpu /app/vggstream.aot /app/vggstream.aot");
        assertThat(cpu.all("ENV")).anyMatch(e -> e.contains("JDK_JAVA_OPTIONS=\"-XX:AOTCache=/app/vggstream.aot\""));
        assertThat(DeployFiles.dockerStage("runtime").all("ENTRYPOINT"))
                .allMatch(e -> e.contains("\"-jar\", \"/app/vggstream.jar\""));
        assertThat(DeployFiles.dockerStage("processor-gpu").all("ENV")).noneMatch(e -> e.contains("AOTCache"));
    }

    @Test
    void everyVggstreamVariableSetInAnImageOverridesAKey() {
        Pattern env = Pattern.compile("(VGGSTREAM_[A-Z0-9_]+)=");
        for (String name : PROCESSOR_STAGES) {
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
