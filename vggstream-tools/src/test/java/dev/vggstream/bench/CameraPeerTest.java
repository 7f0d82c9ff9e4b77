package dev.vggstream.bench;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class CameraPeerTest {

    private static final String B = "127.0.0.1:1";

    @Test
    void theFramesPythonSideServesTheProbeAndResizesTheShortSideTo256AndCropsTo224LikeVggstreamsInput() {
        PeerSides.Python p = PeerSides.Python.probe(2, CameraPeer.MODEL_SIDE);
        List<String> cmd = p.command(B, "in", "out", "g");
        assertThat(String.join(" ", cmd)).contains("--processes 2", "--model probe", "--image-size 224",
                "--resize 256", "--classes 10", "--bootstrap " + B, "--input in", "--output out", "--group g");
    }

    @Test
    void partEightsPythonSideStillResizesAndCropsTo32() {
        List<String> cmd = new PeerSides.Python(2).command(B, "in", "out", "g");
        assertThat(String.join(" ", cmd)).contains("--model vgg11", "--image-size 32", "--resize 32",
                "--width " + 1.0 / 32);
    }

    @Test
    void theVggstreamSidesDifferOnlyInTheJpegScaleAndRunTensorFlowOnOneThread() {
        List<PeerBench.Side> sides = CameraPeer.sides(Path.of("m"), Path.of("w"));
        assertThat(sides).extracting(PeerBench.Side::name)
                .containsExactly("python consumer", CameraPeer.AUTO, CameraPeer.EXACT);
        PeerSides.Vggstream auto = (PeerSides.Vggstream) sides.get(1);
        PeerSides.Vggstream exact = (PeerSides.Vggstream) sides.get(2);
        assertThat(auto.extra()).containsEntry("image.jpeg-scale", "auto")
                .containsEntry("inference.intra-op-threads", "1").containsEntry("inference.inter-op-threads", "1");
        Map<String, String> rest = new LinkedHashMap<>(exact.extra());
        assertThat(rest.put("image.jpeg-scale", "auto")).isEqualTo("exact");
        assertThat(rest).isEqualTo(auto.extra());
        assertThat(auto.jvmOptions()).isEqualTo(exact.jvmOptions())
                .containsExactly(PeerSides.RECOMMENDED_JVM.split(" "));
    }

    @Test
    void theGoalIsTheMedianOfEachRoundsRatioOfAutoToPythonAgainstTwo() {
        List<PeerBench.Turn> python = List.of(turn(50, 40, 20), turn(60, 40, 20));
        List<PeerBench.Turn> auto = List.of(turn(120, 60, 10), turn(100, 100, 12));
        List<PeerBench.Turn> exact = List.of(turn(50, 40, 30), turn(60, 50, 28));
        List<Goal> goals = CameraPeer.goals(python, auto, exact);
        // cold: rounds 2.4 and 1.67 -> 2.03, met; warm: 1.5 and 2.5 -> 2.0, met at the bound
        Goal cold = goals.get(0);
        assertThat(cold.item()).contains("auto / Python consumer, cold");
        assertThat(cold.measured()).isEqualTo("2.03x");
        assertThat(cold.target()).isEqualTo("≥ 2.00x");
        assertThat(cold.met()).isTrue();
        assertThat(goals.get(2).measured()).isEqualTo("2.00x");
        assertThat(goals.get(2).met()).isTrue();
        // exact / python cold: 1.0, 1.0; auto / exact cold: 2.4, 1.67
        assertThat(goals.get(1).measured()).isEqualTo("1.00x, 2.03x");
        assertThat(goals.get(1).met()).isNull();
    }

    @Test
    void autoBelowTwiceThePythonConsumerMissesTheGoal() {
        List<PeerBench.Turn> python = List.of(turn(70, 70, 20));
        List<PeerBench.Turn> auto = List.of(turn(100, 130, 10));
        List<Goal> goals = CameraPeer.goals(python, auto, auto);
        assertThat(goals.get(0).met()).isFalse();
        assertThat(goals.get(2).met()).isFalse();
        assertThat(goals.get(2).measured()).isEqualTo("1.86x");
    }

    @Test
    void cpuPerFrameIsEachSidesProcessesUserPlusSystemAndTheBrokerWarm() {
        List<PeerBench.Turn> python = List.of(turn(1, 1, 20), turn(1, 1, 30), turn(1, 1, 25));
        List<PeerBench.Turn> auto = List.of(turn(1, 1, 10));
        List<PeerBench.Turn> exact = List.of(turn(1, 1, 15));
        Goal cpu = CameraPeer.goals(python, auto, exact).get(4);
        // processes = user + system (0.8 + 0.2 of the total); broker a tenth of it
        // Python's total 27.5 ms against auto's 11.0: 2.5x the CPU per frame
        assertThat(cpu.measured()).isEqualTo("25.0 + 2.50 / 10.0 + 1.00 / 15.0 + 1.50 ms; 2.50x");
    }

    @Test
    void autosCpuWithoutItsModelLeavesOutTheInferenceThreadAndTensorFlowsPool() {
        List<PeerBench.Turn> one = List.of(turn(1, 1, 10));
        Goal g = CameraPeer.goals(one, one, one).get(5);
        assertThat(g.item()).contains("without its model");
        // 10 ms in all, of which inference thread 0.5 and the unnamed threads (TensorFlow's pool) 3.5
        assertThat(g.measured()).isEqualTo("6.00 / 10.0 ms");
    }

    @Test
    void aPythonSideLackingModulesIsReportedSkippedWithTheAptLineBeforeTouchingTheBroker() throws Exception {
        StringWriter out = new StringWriter();
        String why = "the Python consumer needs Debian packages: apt-get install python3-torch python3-torchvision";
        CameraPeer.Result r = CameraPeer.run(B, -1, Path.of("no-cache"), Path.of("no-work"), Path.of("no-logs"), 1,
                2, () -> Optional.of(why), new PrintWriter(out));
        assertThat(r.goals()).singleElement().satisfies(g -> {
            assertThat(g.measured()).isEqualTo("skipped: " + why);
            assertThat(g.item()).startsWith("10. 1920x1080 frames");
            assertThat(g.met()).isNull();
        });
        assertThat(r.rows()).isEmpty();
        assertThat(out.toString()).contains("SKIPPED", "apt-get install python3-torch");
        assertThat(Path.of("no-work")).doesNotExist();
    }

    @Test
    void countsFollowTheScaleWithAFloor() {
        assertThat(CameraPeer.count(CameraPeer.COLD, 1)).isEqualTo(1200);
        assertThat(CameraPeer.count(CameraPeer.COLD, 0.5)).isEqualTo(600);
        assertThat(CameraPeer.count(CameraPeer.WARM, 0.01)).isEqualTo(60);
    }

    @Test
    void theScriptTakesTheResizeOption() throws Exception {
        Process p = new ProcessBuilder(PeerSides.PYTHON.toString(), pythonScript().toString(), "--help")
                .redirectErrorStream(true).start();
        String help = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(help).contains("--resize", "--image-size", "--model");
    }

    /** The Python consumer's script, found above the working directory; skips the test where Debian's python3 is absent. */
    static Path pythonScript() {
        assumeThat(Files.isExecutable(PeerSides.PYTHON)).as("needs " + PeerSides.PYTHON).isTrue();
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve(PeerSides.SCRIPT))) {
            root = root.getParent();
        }
        assertThat(root).as(PeerSides.SCRIPT + " above the working directory").isNotNull();
        return root.resolve(PeerSides.SCRIPT);
    }

    /**
     * A turn with these rates and {@code cpuMs} of CPU per frame warm: 80% user, 20% system, of which the inference
     * thread 5% and TensorFlow's pool 35%; the broker a tenth more.
     */
    private static PeerBench.Turn turn(double cold, double warm, double cpuMs) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("processes, user", cpuMs * 0.8);
        cpu.put("processes, system", cpuMs * 0.2);
        ProcCpu.JVM_PARTS.forEach(p -> cpu.put(p, 0.0));
        cpu.put(ProcCpu.JVM_PARTS.get(1), cpuMs * 0.05);
        cpu.put(ProcCpu.JVM_PARTS.get(5), cpuMs * 0.35);
        cpu.put("broker", cpuMs / 10);
        return new PeerBench.Turn("t", cold, warm, 0, 0, Map.of(), cpu);
    }
}
