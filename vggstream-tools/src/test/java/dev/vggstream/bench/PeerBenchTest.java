package dev.vggstream.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PeerBenchTest {

    /** Receipt times of results arriving {@code slowGap} ns apart for the first {@code slow}, then 1 ms apart. */
    private static long[] arrivals(int n, int slow, long slowGap) {
        long[] t = new long[n];
        for (int i = 1; i < n; i++) {
            t[i] = t[i - 1] + (i <= slow ? slowGap : 1_000_000L);
        }
        return t;
    }

    @Test
    void theRampEndsAtTheFirstWindowAtNinetyPercentOfTheWarmRate() {
        // 3000 results at 500/s, then 1000/s; warm rate 1000/s: the first window wholly past the slow part is
        // at 1000/s, and windows overlapping the slow part are slower than 900/s until few slow results remain
        long[] t = arrivals(10_000, 3000, 2_000_000L);
        int ramp = PeerBench.rampImages(t, 10_000, 1000);
        assertThat(ramp).isBetween(2800, 3000);
    }

    @Test
    void aSideNeverAtNinetyPercentOfItsWarmRateHasNoRamp() {
        long[] t = arrivals(5000, 5000, 2_000_000L);
        assertThat(PeerBench.rampImages(t, 5000, 1000)).isEqualTo(-1);
    }

    @Test
    void aSideFastFromItsFirstResultHasARampOfZero() {
        assertThat(PeerBench.rampImages(arrivals(5000, 0, 0), 5000, 1000)).isZero();
    }


    @Test
    void theColdCurveGivesTheRatePerStepOfResultsAndLeavesOutAPartialStep() {
        // 2000 results 2 ms apart (500/s), then 1 ms apart (1000/s); 5000 results: two whole steps, one partial
        long[] t = arrivals(6000, 2000, 2_000_000L);
        assertThat(PeerBench.curve(t, 0, 5000)).containsExactly(500, 1000);
        assertThat(PeerBench.curve(t, 2000, 6000)).as("from a later result").containsExactly(1000, 1000);
    }
    @Test
    void thePythonWorkersReadyLinesGiveTheirPids() {
        List<String> lines = List.of("ready 123", "some warning", "ready 456\n", "ready soon");
        assertThat(PeerBench.readyPids(lines)).containsExactly(123L, 456L);
    }

    @Test
    void theScriptsCheckNamesTheMissingDebianPackages() {
        assertThat(PeerBench.missingPackages("missing: python3-torch python3-pil\n"))
                .contains("python3-torch python3-pil");
        assertThat(PeerBench.missingPackages("ok\n")).isEmpty();
    }

    @Test
    void cpuPerImageIsTheDifferenceOverTheImagesAndUnknownWhereEitherSampleIsMissing() {
        Map<String, Long> from = new LinkedHashMap<>(Map.of("a", 1_000_000L, "b", -1L));
        Map<String, Long> to = new LinkedHashMap<>(Map.of("a", 21_000_000L, "b", 5_000_000L));
        Map<String, Double> ms = PeerBench.perImage(from, to, 10);
        assertThat(ms.get("a")).isCloseTo(2.0, within(1e-9));
        assertThat(ms.get("b")).isNaN();
    }

    @Test
    void theRatioIsTheMedianOfEachRoundsRatio() {
        List<PeerBench.Turn> mine = List.of(turn(100), turn(300), turn(200));
        List<PeerBench.Turn> theirs = List.of(turn(100), turn(100), turn(400));
        // rounds: 1.0, 3.0, 0.5 -> median 1.0 (a ratio of sums would say 600/600 = 1.0 only by chance)
        assertThat(PeerBench.medianRatio(mine, theirs, PeerBench.Turn::coldPerSecond)).isEqualTo(1.0);
        assertThat(PeerBench.medianRatio(mine.subList(0, 2), theirs.subList(0, 2), PeerBench.Turn::coldPerSecond))
                .isEqualTo(2.0);
    }

    @Test
    void theModelExcludedCpuLeavesOutTheInferenceThreadAndTheUnnamedThreads() {
        Map<String, Double> ms = new LinkedHashMap<>();
        ms.put("processes, user", 1.0);
        ms.put("processes, system", 0.2);
        ProcCpu.JVM_PARTS.forEach(p -> ms.put(p, 0.1));
        assertThat(PeerBench.modelExcludedMs(ms)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void aVariantSplitsIntoJvmOptionsAndSettings() {
        PeerSides.Vggstream v = PeerSides.vggstream("x", Path.of("m"), " -Xmx2g  -XX:TieredStopAtLevel=1 "
                + "inference.warmup-images=0 ", Path.of("w"));
        assertThat(v.jvmOptions()).containsExactly("-Xmx2g", "-XX:TieredStopAtLevel=1");
        assertThat(v.extra()).containsExactly(Map.entry("inference.warmup-images", "0"));
        assertThatThrownBy(() -> PeerSides.vggstream("x", Path.of("m"), "-Xmx2g oops", Path.of("w")))
                .hasMessageContaining("oops");
    }

    @Test
    void aVariantsJavaTokenRunsTheSideOnThatJdksLauncher() {
        Path home = Path.of(System.getProperty("java.home"));
        PeerSides.Vggstream v = PeerSides.vggstream("x", Path.of("m"), "java=" + home + " -Xmx2g", Path.of("w"));
        PeerSides.Vggstream plain = PeerSides.vggstream("x", Path.of("m"), "-Xmx2g", Path.of("w"));

        assertThat(v.java()).isEqualTo(home.resolve("bin").resolve("java").toString());
        assertThat(v.jvmOptions()).containsExactly("-Xmx2g");
        assertThat(v.extra()).isEmpty();
        assertThat(plain.java()).isEqualTo(ProcessHandle.current().info().command().orElseThrow());
        assertThatThrownBy(() -> PeerSides.vggstream("x", Path.of("m"), "java=/no/such/jdk", Path.of("w")))
                .hasMessageContaining("/no/such/jdk");
    }

    @Test
    void theFeatureVersionIsReadFromTheLaunchersOwnVersion() throws Exception {
        assertThat(AotTraining.featureVersion(ProcessHandle.current().info().command().orElseThrow()))
                .isEqualTo(Runtime.version().feature());
    }

    private static PeerBench.Turn turn(double cold) {
        return new PeerBench.Turn("t", cold, cold, 0, 0, Map.of(), Map.of());
    }
}
