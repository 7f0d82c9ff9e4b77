package dev.vggstream.bench;

import dev.vggstream.batch.DecodePool;
import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.ImagePreparer;
import dev.vggstream.image.JpegCodec;
import dev.vggstream.image.JpegScale;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.Classifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Part 10: camera frames at full resolution (1280x720, 1920x1080, 3840x2160 JPEGs made of real photographs). The
 * pipeline ceiling with {@code image.jpeg-scale=auto} against {@code exact}, in turns on two processors running
 * side by side, and the fidelity of {@code auto}: the model input's PSNR and largest difference against exact's,
 * and whether the served model's top-1 class changes.
 */
final class CameraBench {

    /** Measured backlogs per side; the case reports the median of their rates and of the rounds' ratios. */
    private static final int ROUNDS = 3;
    /** batch.max-wait-ms of the decode pool case: long enough for batches of several 1080p frames. */
    private static final long POOL_WAIT_MS = 250;

    /** The goals and notes part 10 adds, and the CPU per frame part 11 plans with ("1920x1080 auto" to ms). */
    record Result(List<Goal> goals, Map<String, String> notes, List<String[]> rows, List<Chart.Panel> panels,
                  Map<String, Double> cpuMsPerFrame) {
    }

    private final String bootstrap;
    private final CpuMeter cpu;
    private final Path work;
    private final double scale;
    private final long maxWaitMs;
    private final Consumer<String> say;
    private final List<Goal> goals = new ArrayList<>();
    private final Map<String, String> notes = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();
    private final Map<String, Double> cpuMsPerFrame = new LinkedHashMap<>();

    private CameraBench(String bootstrap, CpuMeter cpu, Path work, double scale, long maxWaitMs,
                        Consumer<String> say) {
        this.bootstrap = bootstrap;
        this.cpu = cpu;
        this.work = work;
        this.scale = scale;
        this.maxWaitMs = maxWaitMs;
        this.say = say;
    }

    static Result run(String bootstrap, CpuMeter cpu, Path modelCache, Path work, double scale, long maxWaitMs,
                      Consumer<String> say) throws Exception {
        CameraBench b = new CameraBench(bootstrap, cpu, work, scale, maxWaitMs, say);
        List<Chart.Panel> panels = new ArrayList<>();
        say.accept("10. camera frames: 720p, 1080p and 4K JPEGs of real photographs, image.jpeg-scale auto vs exact");
        CameraFrames frames;
        try {
            frames = CameraFrames.make(work.resolve("frames"), 16);
        } catch (CameraFrames.Unavailable e) {
            say.accept("   skipped: " + e.getMessage());
            b.goals.add(Goal.report("10. camera frames", "skipped: " + e.getMessage()));
            return new Result(b.goals, b.notes, b.rows, panels, b.cpuMsPerFrame);
        }
        for (Map.Entry<String, List<byte[]>> e : frames.frames().entrySet()) {
            b.notes.put(e.getKey() + " frame size", String.format(Locale.ROOT, "%.0f KB mean of %d",
                    Payloads.meanSize(e.getValue()) / 1024, e.getValue().size()));
        }
        b.fidelity(frames, BenchModels.get(modelCache, BenchModels.vgg16()));
        for (String size : CameraFrames.SIZES) {
            b.stageAlone(size, frames.frames().get(size));
        }
        // the probe, not a near-free VGG: VGG11 at 1/32 width costs TensorFlow 7-8 ms of CPU per 224 px frame here,
        // as much as auto's whole pipeline, and measured the model instead of the pipeline (ProbeModel)
        Path probe = BenchModels.probe(modelCache, CameraPeer.MODEL_SIDE);
        List<Chart.Bar> bars = new ArrayList<>();
        // backlogs of 2-4 s at auto's rate (20-270 frames/s): with 150 1080p frames auto's measured window was 0.6 s,
        // short enough for a commit or a resume's first fetch to take a share of it that exact's 1.3 s did not
        b.ceiling("1280x720", frames.frames().get("1280x720"), probe, b.n(600), 0, bars);
        b.ceiling("1920x1080", frames.frames().get("1920x1080"), probe, b.n(450), 2.0, bars);
        b.ceiling("3840x2160", frames.frames().get("3840x2160"), probe, b.n(100), 0, bars);
        panels.add(new Chart.Panel("10. Camera frames, pipeline ceiling (224 px probe model): auto vs exact",
                "frames/s", bars));
        List<byte[]> hd = frames.frames().get("1920x1080");
        // the goal on the settings README recommends for frames of 720p and more; the default decoder reported
        b.decodePool("JPEG decoder jdk (the default)", hd, probe, b.n(120), Map.of(), 0);
        b.decodePool("libjpeg-turbo, jpeg-scale auto (recommended for camera frames)", hd, probe, b.n(150),
                Map.of("image.jpeg-decoder", "libjpeg-turbo", "image.jpeg-scale", "auto"), 1.7);
        return new Result(b.goals, b.notes, b.rows, panels, b.cpuMsPerFrame);
    }

    private int n(int base) {
        return Math.max(8, (int) Math.round(base * scale));
    }

    // ---- fidelity ------------------------------------------------------------------------------------------------

    /**
     * auto against exact, with libjpeg-turbo and VGG16's 224 px input: every photograph alone (those too small for
     * a reduction come out identical) and every frame; VGG16's top-1 on the photographs and the 1080p frames.
     */
    private void fidelity(CameraFrames frames, Path vgg16) throws Exception {
        ImagePreparer at224 = new ImagePreparer(224, 224, Preprocessing.TORCH);
        ImagePipeline exact = new ImagePipeline(new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO,
                JpegScale.EXACT), at224);
        ImagePipeline auto = new ImagePipeline(new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO,
                JpegScale.AUTO), at224);
        double worstPhoto = Double.POSITIVE_INFINITY;
        int worstPhotoDiff = 0;
        StringBuilder each = new StringBuilder();
        for (Map.Entry<String, byte[]> p : frames.photos().entrySet()) {
            Fidelity f = Fidelity.of(auto.modelPixels(p.getValue()), exact.modelPixels(p.getValue()));
            each.append(String.format(Locale.ROOT, "%s %s, ", p.getKey(), describe(f)));
            worstPhoto = Math.min(worstPhoto, f.psnrDb());
            worstPhotoDiff = Math.max(worstPhotoDiff, f.maxAbsDiff());
        }
        notes.put("auto vs exact, model input of each photograph alone", each.toString().replaceAll(", $", ""));
        say.accept("   fidelity, each photograph alone: " + each);
        double worstFrame = Double.POSITIVE_INFINITY;
        int worstFrameDiff = 0;
        for (Map.Entry<String, List<byte[]>> e : frames.frames().entrySet()) {
            double worst = Double.POSITIVE_INFINITY;
            double sum = 0;
            int diff = 0;
            for (byte[] f : e.getValue()) {
                Fidelity x = Fidelity.of(auto.modelPixels(f), exact.modelPixels(f));
                worst = Math.min(worst, x.psnrDb());
                sum += x.psnrDb();
                diff = Math.max(diff, x.maxAbsDiff());
            }
            String line = String.format(Locale.ROOT, "PSNR worst %.1f dB, mean %.1f dB; max abs difference %d",
                    worst, sum / e.getValue().size(), diff);
            notes.put("auto vs exact, model input of the " + e.getKey() + " frames", line);
            say.accept("   fidelity, " + e.getKey() + " frames: " + line);
            worstFrame = Math.min(worstFrame, worst);
            worstFrameDiff = Math.max(worstFrameDiff, diff);
        }
        goals.add(Goal.atLeast(String.format(Locale.ROOT, "10. auto fidelity: worst model-input PSNR vs exact, %d "
                + "photographs alone (max abs difference %d levels)", frames.photos().size(), worstPhotoDiff),
                worstPhoto, 35, " dB"));
        goals.add(Goal.atLeast(String.format(Locale.ROOT, "10. auto fidelity: worst model-input PSNR vs exact, "
                + "720p/1080p/4K frames (max abs difference %d levels)", worstFrameDiff), worstFrame, 35, " dB"));
        List<byte[]> judged = new ArrayList<>(frames.photos().values());
        judged.addAll(frames.frames().get("1920x1080"));
        try (Classifier vgg = Classifier.load(vgg16)) {
            int agree = top1Agreement(vgg, judged, auto, exact);
            goals.add(Goal.report("10. VGG16@224 top-1 agreement auto vs exact (photographs and 1080p frames; "
                    + "bench weights are random, so margins are thin)", agree + " of " + judged.size()));
            say.accept(String.format(Locale.ROOT, "   VGG16 top-1 agreement, auto vs exact: %d of %d", agree,
                    judged.size()));
        }
    }

    private static String describe(Fidelity f) {
        return Double.isInfinite(f.psnrDb()) ? "identical (not reduced)"
                : String.format(Locale.ROOT, "%.1f dB (max %d)", f.psnrDb(), f.maxAbsDiff());
    }

    private static int top1Agreement(Classifier c, List<byte[]> images, ImagePipeline a, ImagePipeline b)
            throws ImageException {
        int floats = a.floats();
        int agree = 0;
        for (int start = 0; start < images.size(); start += 8) {
            int n = Math.min(8, images.size() - start);
            float[] pa = new float[n * floats];
            float[] pb = new float[n * floats];
            for (int i = 0; i < n; i++) {
                a.prepare(images.get(start + i), pa, i * floats);
                b.prepare(images.get(start + i), pb, i * floats);
            }
            float[][] ra = c.classify(pa, n);
            float[][] rb = c.classify(pb, n);
            for (int i = 0; i < n; i++) {
                if (argmax(ra[i]) == argmax(rb[i])) {
                    agree++;
                }
            }
        }
        return agree;
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    // ---- one thread ----------------------------------------------------------------------------------------------

    /**
     * Decode, resize and preprocess for a 224 px model on one thread, exact and auto in turns (a pass over the
     * frames each, five times): what auto saves per frame before Kafka, free of the processor's other threads.
     */
    private void stageAlone(String size, List<byte[]> frames) throws ImageException {
        ImagePreparer at224 = new ImagePreparer(224, 224, Preprocessing.TORCH);
        ImagePipeline exact = new ImagePipeline(new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO,
                JpegScale.EXACT), at224);
        ImagePipeline auto = new ImagePipeline(new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO,
                JpegScale.AUTO), at224);
        float[] dst = new float[at224.floats()];
        passNanos(exact, frames, dst);
        passNanos(auto, frames, dst);
        List<Double> exactMs = new ArrayList<>();
        List<Double> autoMs = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            double e = passNanos(exact, frames, dst) / 1e6 / frames.size();
            double a = passNanos(auto, frames, dst) / 1e6 / frames.size();
            exactMs.add(e);
            autoMs.add(a);
            ratios.add(e / a);
        }
        String line = String.format(Locale.ROOT, "exact %.2f ms, auto %.2f ms per frame: %.2fx (medians of 5 passes "
                + "in turns)", median(exactMs), median(autoMs), median(ratios));
        notes.put("decode + resize + preprocess to 224 px, one thread, " + size, line);
        say.accept("   one thread, " + size + ": " + line);
        goals.add(Goal.report("10. decode + resize to 224 px on one thread, " + size + ", exact / auto",
                Goal.fmt(median(ratios)) + "x (" + Goal.fmt(median(exactMs)) + " vs " + Goal.fmt(median(autoMs))
                        + " ms per frame)"));
    }

    private static long passNanos(ImagePipeline p, List<byte[]> frames, float[] dst) throws ImageException {
        long t0 = System.nanoTime();
        for (byte[] f : frames) {
            p.prepare(f, dst, 0);
        }
        return System.nanoTime() - t0;
    }

    private static double median(List<Double> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    // ---- ceiling -------------------------------------------------------------------------------------------------

    /**
     * exact and auto on two processors open side by side (the idle one polls, nothing more), a backlog of each in
     * turns: one not counted (the JIT compiles), then {@link #ROUNDS}. Each side reports its median backlog; the
     * ratio is the median of the rounds' ratios, each pair measured seconds apart on this drifting machine.
     */
    private void ceiling(String size, List<byte[]> frames, Path model, int count, double goal,
                         List<Chart.Bar> bars) throws Exception {
        Turns t = inTurns(setup("camera-" + size + "-exact", model, frames, count, "exact"),
                setup("camera-" + size + "-auto", model, frames, count, "auto"), count);
        List<StreamBench.Outcome> exact = t.base();
        List<StreamBench.Outcome> auto = t.other();
        StreamBench.Outcome me = BenchSuite.median(exact);
        StreamBench.Outcome ma = BenchSuite.median(auto);
        double ratio = t.ratio();
        recordSide(size, "exact", me, bars);
        recordSide(size, "auto", ma, bars);
        notes.put("camera ceiling " + size + ", each round exact/auto", rounds(exact, auto));
        String item = String.format(Locale.ROOT, "10. pipeline ceiling %s frames, auto / exact (%.0f vs %.0f "
                + "frames/s; pipeline CPU per frame %.1f vs %.1f ms)", size, ma.imagesPerSecond(), me.imagesPerSecond(),
                cpuMsPerFrame.get(size + " auto"), cpuMsPerFrame.get(size + " exact"));
        goals.add(goal > 0 ? Goal.atLeast(item, ratio, goal, "x") : Goal.report(item, Goal.fmt(ratio) + "x"));
        say.accept(String.format(Locale.ROOT, "   %s: auto %.0f frames/s, exact %.0f frames/s, ratio %.2fx (rounds "
                + "%s); pipeline CPU per frame auto %.2f ms, exact %.2f ms", size, ma.imagesPerSecond(),
                me.imagesPerSecond(), ratio, rounds(exact, auto), cpuMsPerFrame.get(size + " auto"),
                cpuMsPerFrame.get(size + " exact")));
    }

    /** Each side's backlogs and the median of the rounds' other/base ratios. */
    private record Turns(List<StreamBench.Outcome> base, List<StreamBench.Outcome> other, double ratio) {
    }

    /**
     * Two processors open side by side (the idle one polls, nothing more), a backlog of each in turns: one not
     * counted (the JIT compiles), then {@link #ROUNDS}, each pair measured seconds apart on this drifting machine.
     */
    private Turns inTurns(StreamBench.Setup baseSetup, StreamBench.Setup otherSetup, int count) throws Exception {
        List<StreamBench.Outcome> base = new ArrayList<>();
        List<StreamBench.Outcome> other = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        try (StreamBench.Session b = StreamBench.Session.open(bootstrap, baseSetup, work, cpu);
             StreamBench.Session o = StreamBench.Session.open(bootstrap, otherSetup, work, cpu)) {
            StreamBench.backlog(b, count);
            StreamBench.backlog(o, count);
            for (int r = 0; r < ROUNDS; r++) {
                StreamBench.Outcome ob = StreamBench.backlog(b, count);
                StreamBench.Outcome oo = StreamBench.backlog(o, count);
                base.add(ob);
                other.add(oo);
                ratios.add(oo.imagesPerSecond() / ob.imagesPerSecond());
            }
        }
        return new Turns(base, other, median(ratios));
    }

    // ---- decode pool ---------------------------------------------------------------------------------------------

    /**
     * One partition (one camera) of 1080p frames on one stream thread: decoded on that thread
     * ({@code image.decode-threads=0}, the default) against a decode pool of a thread per core, in turns.
     * Without the pool a partition's frames use one core at most, whatever the instance has.
     */
    private void decodePool(String decoder, List<byte[]> frames, Path model, int count, Map<String, String> extra,
                            double goal) throws Exception {
        Map<String, String> common = new java.util.HashMap<>(extra);
        common.put("inference.intra-op-threads", "1");
        common.put("inference.inter-op-threads", "1");
        String tag = extra.isEmpty() ? "jdk" : "turbo";
        // batches of several frames on both sides, as a model with a per-call cost needs
        StreamBench.Setup streamThread = new StreamBench.Setup("pool-" + tag + "-off", model, 1, 1, 16, POOL_WAIT_MS,
                "at_least_once", Payloads.Encoding.RAW, frames, count, 1, common)
                .with(Map.of("image.decode-threads", "0"));
        StreamBench.Setup pooled = new StreamBench.Setup("pool-" + tag + "-on", model, 1, 1, 16, POOL_WAIT_MS,
                "at_least_once", Payloads.Encoding.RAW, frames, count, 1, common)
                .with(Map.of("image.decode-threads", Integer.toString(DecodePool.defaultThreads())));
        Turns t = inTurns(streamThread, pooled, count);
        StreamBench.Outcome off = BenchSuite.median(t.base());
        StreamBench.Outcome on = BenchSuite.median(t.other());
        for (StreamBench.Outcome o : List.of(off, on)) {
            String side = o == off ? "decode-threads=0" : "decode pool (default)";
            rows.add(new String[] {"camera-decode-pool", "1920x1080 " + decoder + ", " + side, o.name(),
                    Goal.fmt(o.imagesPerSecond()), Goal.fmt(o.meanBatchSize()), Goal.fmt(o.p50Ms()),
                    Goal.fmt(o.p99Ms()), Goal.fmt(o.images())});
            notes.put("CPU per frame, one partition 1080p, " + decoder + ", " + side, BenchSuite.cpuSplit(o));
        }
        String item = String.format(Locale.ROOT, "10. one partition of 1080p frames (%s): decode pool / "
                        + "decode-threads=0 (%.0f vs %.0f frames/s; processor CPU per frame %.1f vs %.1f ms)", decoder,
                on.imagesPerSecond(), off.imagesPerSecond(), on.cpuMs()[CpuMeter.PROCESSOR],
                off.cpuMs()[CpuMeter.PROCESSOR]);
        goals.add(goal > 0 ? Goal.atLeast(item, t.ratio(), goal, "x") : Goal.report(item, Goal.fmt(t.ratio()) + "x"));
        notes.put("decode pool, one partition 1080p, " + decoder + ", each round off/on", rounds(t.base(), t.other()));
        say.accept(String.format(Locale.ROOT, "   one partition, 1080p, %s: pool %.0f frames/s, stream thread %.0f "
                        + "frames/s, ratio %.2fx (rounds %s); processor CPU per frame %.2f vs %.2f ms", decoder,
                on.imagesPerSecond(), off.imagesPerSecond(), t.ratio(), rounds(t.base(), t.other()),
                on.cpuMs()[CpuMeter.PROCESSOR], off.cpuMs()[CpuMeter.PROCESSOR]));
    }

    private void recordSide(String size, String mode, StreamBench.Outcome o, List<Chart.Bar> bars) {
        rows.add(new String[] {"camera-ceiling", size + " " + mode, o.name(), Goal.fmt(o.imagesPerSecond()),
                Goal.fmt(o.meanBatchSize()), Goal.fmt(o.p50Ms()), Goal.fmt(o.p99Ms()), Goal.fmt(o.images())});
        double ms = pipelineMs(o);
        cpuMsPerFrame.put(size + " " + mode, ms);
        notes.put("CPU per frame, camera ceiling " + size + " " + mode, String.format(Locale.ROOT,
                "%s; the pipeline's own %.1f ms: %.1f cores per 1,000 frames/s", BenchSuite.cpuSplit(o), ms, ms));
        bars.add(new Chart.Bar(size + " " + mode, o.imagesPerSecond(), 0));
    }

    /**
     * The CPU per frame a deployment pays for the pipeline: the processor's Java threads (stream threads, the
     * inference thread's Java side, Kafka clients, collector) and the broker, without either JIT compiler (a
     * processor one backlog old is still compiling; a service running for hours is not) and without TensorFlow's
     * native threads (the model's own cost; a GPU's driver thread in a real deployment).
     */
    static double pipelineMs(StreamBench.Outcome o) {
        double[] ms = o.cpuMs();
        double java = 0;
        for (int part = 1; part < CpuMeter.BROKER; part++) {
            java += part == CpuMeter.JIT ? 0 : ms[part];
        }
        return java + ms[CpuMeter.BROKER] - ms[CpuMeter.BROKER_JIT];
    }

    private StreamBench.Setup setup(String name, Path model, List<byte[]> frames, int count, String jpegScale) {
        // TensorFlow's pool on one thread, the same on both sides: a pool of two only spins on the decoders' cores
        return new StreamBench.Setup(name, model, 8, 2, 16, maxWaitMs, "at_least_once", Payloads.Encoding.RAW,
                frames, count, 1, Map.of("kafka.num.stream.threads", "2", "image.jpeg-decoder", "libjpeg-turbo",
                "image.jpeg-scale", jpegScale, "inference.intra-op-threads", "1", "inference.inter-op-threads", "1"));
    }

    private static String rounds(List<StreamBench.Outcome> exact, List<StreamBench.Outcome> auto) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < exact.size(); i++) {
            b.append(String.format(Locale.ROOT, "%s%.0f/%.0f", i == 0 ? "" : ", ", exact.get(i).imagesPerSecond(),
                    auto.get(i).imagesPerSecond()));
        }
        return b.append(" frames/s").toString();
    }
}
