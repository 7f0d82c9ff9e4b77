package dev.vggstream.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Part 10 against the Python consumer: 1920x1080 camera frames through the script a team would write (PIL decodes
 * every frame in full, then torchvision's Resize(256) + CenterCrop(224), as for any 224 px model) and through
 * vggstream's {@code run} with {@code image.jpeg-scale=auto} and {@code exact}, all serving the same 224 px
 * {@link ProbeModel}, which costs microseconds on either side, so the ratio is the pipelines'. Each side fresh in
 * processes of its own, in turns, cold and warm, on the same frames, broker and 8 partitions ({@link PeerBench#run});
 * CPU per frame from /proc.
 */
final class CameraPeer {

    static final String SIZE = "1920x1080";
    /** The goal: vggstream with auto at least twice the Python consumer's frames/s, cold and warm. */
    static final double GOAL = 2.0;
    /** Frames queued before each side starts, and while it runs: a turn takes 15-60 s at 30-120 frames/s. */
    static final int COLD = 1200;
    static final int WARM = 900;
    static final String AUTO = "vggstream auto";
    static final String EXACT = "vggstream exact";
    /** The model's input side: frames are resized to a 256 px short side and cropped to it, as for VGG16. */
    static final int MODEL_SIDE = 224;
    /**
     * vggstream's settings besides the JPEG scale: TensorFlow on one thread, as the Python side runs torch on one
     * thread per process (a pool of two would only spin on the cores the decoders need).
     */
    static final String SETTINGS = PeerSides.RECOMMENDED_JVM + " inference.intra-op-threads=1 inference.inter-op-threads=1";

    /** What the comparison adds to the report. */
    record Result(List<Goal> goals, Map<String, String> notes, List<String[]> rows, List<Chart.Panel> panels) {
    }

    private CameraPeer() {
    }

    /**
     * Runs the comparison, or reports it skipped (with the apt line) where {@code pythonCheck} names what is missing
     * or the frames cannot be made.
     *
     * @param pythonCheck why the Python side cannot run here, if it cannot ({@link PeerSides#pythonUnavailable})
     * @param logs        where each side's output is kept
     */
    static Result run(String bootstrap, long brokerPid, Path modelCache, Path work, Path logs, double scale,
                      int rounds, Callable<Optional<String>> pythonCheck, PrintWriter console) throws Exception {
        Optional<String> why = pythonCheck.call();
        CameraFrames frames = null;
        if (why.isEmpty()) {
            try {
                // the same deterministic frames part 10's other cases use, made again: 7 s, and no coupling
                frames = CameraFrames.make(work.resolve("frames-peer"), 16);
            } catch (CameraFrames.Unavailable e) {
                why = Optional.of(e.getMessage());
            }
        }
        if (why.isPresent()) {
            PeerBench.say(console, "   %s frames against the Python consumer: SKIPPED, %s", SIZE, why.get());
            return new Result(List.of(skipped(why.get())), Map.of(), List.of(), List.of());
        }
        int cold = count(COLD, scale);
        int warm = count(WARM, scale);
        Path model = BenchModels.probe(modelCache, MODEL_SIDE);
        List<PeerBench.Side> sides = sides(model, work);
        PeerBench.say(console, "   %s frames against the Python consumer (2 processes, full decode, Resize(%d) + "
                + "CenterCrop(%d)): %d frames cold, %d warm, %d rounds in turns", SIZE,
                ((PeerSides.Python) sides.get(0)).resize(), MODEL_SIDE, cold, warm, rounds);
        Supplier<Long> brokerCpu = PeerBench.cpuNanos(brokerPid);
        Map<String, List<PeerBench.Turn>> turns = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        List<String[]> rows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (PeerBench.Side side : sides) {
                PeerBench.Turn t = PeerBench.run(bootstrap, side, frames.frames().get(SIZE), cold, warm, work, logs,
                        brokerCpu, console);
                turns.computeIfAbsent(side.name(), k -> new ArrayList<>()).add(t);
                String line = describe(t);
                PeerBench.say(console, "      round %d, %s: %s", round, t.side(), line);
                notes.put("camera peer round " + round + ", " + t.side(), line);
                rows.add(row(t, round, "cold", cold));
                rows.add(row(t, round, "warm", warm));
            }
        }
        List<Goal> goals = goals(turns.get(sides.get(0).name()), turns.get(AUTO), turns.get(EXACT));
        goals.forEach(g -> PeerBench.say(console, "   %s: %s", g.item(), g.measured()));
        return new Result(goals, notes, rows, List.of(panel(turns)));
    }

    /** The Python consumer serving the probe, prepared as vggstream prepares for it, then vggstream auto and exact. */
    static List<PeerBench.Side> sides(Path model, Path work) {
        return List.of(PeerSides.Python.probe(2, MODEL_SIDE),
                PeerSides.vggstream(AUTO, model, SETTINGS + " image.jpeg-scale=auto", work),
                PeerSides.vggstream(EXACT, model, SETTINGS + " image.jpeg-scale=exact", work));
    }

    static Goal skipped(String why) {
        return Goal.report("10. " + SIZE + " frames, vggstream auto / Python consumer", "skipped: " + why);
    }

    /** {@code base} frames at this scale; enough that a third of them still spans several batches. */
    static int count(int base, double scale) {
        return Math.max(60, (int) Math.round(base * scale));
    }

    /**
     * The goals: vggstream auto / the Python consumer, cold and warm, each the median of the rounds' ratios
     * ({@link PeerBench#medianRatio}); exact / Python and auto / exact reported; CPU per frame of each side's
     * processes and of the broker, warm, the median of the rounds.
     */
    static List<Goal> goals(List<PeerBench.Turn> python, List<PeerBench.Turn> auto, List<PeerBench.Turn> exact) {
        List<Goal> g = new ArrayList<>();
        for (String phase : List.of("cold", "warm")) {
            ToDoubleFunction<PeerBench.Turn> rate = phase.equals("cold") ? PeerBench.Turn::coldPerSecond
                    : PeerBench.Turn::warmPerSecond;
            g.add(Goal.atLeast(String.format(Locale.ROOT, "10. %s frames, vggstream auto / Python consumer, %s "
                    + "(%.0f vs %.0f frames/s)", SIZE, phase, PeerBench.median(auto, rate),
                    PeerBench.median(python, rate)), PeerBench.medianRatio(auto, python, rate), GOAL, "x"));
            g.add(Goal.report(String.format(Locale.ROOT, "10. %s frames, %s: vggstream exact / Python consumer, "
                    + "auto / exact (fresh processes)", SIZE, phase),
                    Goal.fmt(PeerBench.medianRatio(exact, python, rate)) + "x, "
                            + Goal.fmt(PeerBench.medianRatio(auto, exact, rate)) + "x"));
        }
        g.add(Goal.report("10. " + SIZE + " frames, CPU per frame warm, processes (model included) + broker: Python "
                + "consumer / vggstream auto / exact; Python's total / auto's", cpu(python) + " / " + cpu(auto) + " / "
                + cpu(exact) + " ms; " + Goal.fmt(totalMs(python) / totalMs(auto)) + "x"));
        // the probe's inference thread and TensorFlow's pool: what auto's pipeline costs without them, for the README
        g.add(Goal.report("10. " + SIZE + " frames, vggstream auto's processes, CPU per frame warm, without its model "
                + "(inference thread, TensorFlow's pool) / with", Goal.fmt(PeerBench.median(auto,
                t -> PeerBench.modelExcludedMs(t.warmCpuMs()))) + " / " + Goal.fmt(PeerBench.median(auto,
                CameraPeer::processesMs)) + " ms"));
        return g;
    }

    /** A side's processes and the broker, CPU ms per frame warm: the median of the rounds' sums. */
    static double totalMs(List<PeerBench.Turn> turns) {
        return PeerBench.median(turns, t -> processesMs(t) + brokerMs(t));
    }

    /** "31.2 + 4.1": a side's processes and the broker, CPU ms per frame warm, medians of the rounds. */
    private static String cpu(List<PeerBench.Turn> turns) {
        return Goal.fmt(PeerBench.median(turns, CameraPeer::processesMs)) + " + "
                + Goal.fmt(PeerBench.median(turns, CameraPeer::brokerMs));
    }

    /** A side's processes' user and system CPU per frame, warm. */
    static double processesMs(PeerBench.Turn t) {
        return t.warmCpuMs().get("processes, user") + t.warmCpuMs().get("processes, system");
    }

    static double brokerMs(PeerBench.Turn t) {
        return t.warmCpuMs().get("broker");
    }

    private static String describe(PeerBench.Turn t) {
        return String.format(Locale.ROOT, "cold %.1f frames/s, warm %.1f frames/s, start to ready %d ms; CPU ms per "
                + "frame cold: %s; warm: %s", t.coldPerSecond(), t.warmPerSecond(), t.startToReadyMs(),
                PeerBench.describe(t.coldCpuMs()), PeerBench.describe(t.warmCpuMs()));
    }

    private static String[] row(PeerBench.Turn t, int round, String phase, int frames) {
        double rate = phase.equals("cold") ? t.coldPerSecond() : t.warmPerSecond();
        return new String[] {"camera-peer", SIZE + " " + t.side() + ", round " + round, phase, Goal.fmt(rate),
                "n/a", "n/a", "n/a", Goal.fmt(frames)};
    }

    private static Chart.Panel panel(Map<String, List<PeerBench.Turn>> turns) {
        List<Chart.Bar> bars = new ArrayList<>();
        turns.forEach((side, t) -> {
            bars.add(new Chart.Bar(side + ", cold", PeerBench.median(t, PeerBench.Turn::coldPerSecond), 0));
            bars.add(new Chart.Bar(side + ", warm", PeerBench.median(t, PeerBench.Turn::warmPerSecond), 0));
        });
        return new Chart.Panel("10. " + SIZE + " frames against the Python consumer (224 px probe model, fresh "
                + "processes)", "frames/s", bars);
    }
}
