package dev.vggstream.bench;

import dev.vggstream.batch.BatchDispatcher;
import dev.vggstream.batch.BatchListener;
import dev.vggstream.batch.BatchSettings;
import dev.vggstream.batch.ImageSpec;
import dev.vggstream.batch.Mailbox;
import dev.vggstream.batch.ModelSource;
import dev.vggstream.batch.Pending;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.Preprocessing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;

/**
 * Part 9: capacity planning for a GPU this machine does not have. The batching dispatcher (the processor's own,
 * with its thread and settings) drives a {@link SimulatedAccelerator} whose batch time follows published VGG16
 * figures: batched against per-record throughput, p50/p99 latency from submission to the batch's end at 50% and
 * 90% of the device's capacity, and, with part 8's measured CPU per frame, the host cores each frame size needs to
 * keep the device busy. Decoding, Kafka and the broker are not in these latencies: part 8 measures their CPU.
 */
final class AcceleratorBench {

    record Result(List<Goal> goals, Map<String, String> notes, List<String[]> rows, List<Chart.Panel> panels) {
    }

    private AcceleratorBench() {
    }

    static Result run(double scale, int batch, long maxWaitMs, Map<String, Double> frameCpuMs,
                      Consumer<String> say) throws Exception {
        List<Goal> goals = new ArrayList<>();
        Map<String, String> notes = new LinkedHashMap<>();
        List<String[]> rows = new ArrayList<>();
        double a = SimulatedAccelerator.V100_VGG16_A_MS;
        double b = SimulatedAccelerator.V100_VGG16_B_MS;
        String device = String.format(Locale.ROOT, "simulated V100, VGG16@224 fp32, t(n) = %.2f + %.2f n ms", a, b);
        say.accept("9. " + device + ": batched vs per record, latency, host cores per frame size");
        int count = Math.max(200, (int) (2000 * scale));
        double batched = flood(a, b, batch, maxWaitMs, count);
        double perRecord = flood(a, b, 1, 0, Math.max(100, count / 3));
        goals.add(Goal.report("9. batched / per-record speedup, " + device, String.format(Locale.ROOT,
                "%.2fx (%.0f vs %.0f img/s, batch %d vs 1)", batched / perRecord, batched, perRecord, batch)));
        say.accept(String.format(Locale.ROOT, "   batched (batch %d): %.0f img/s; per record: %.0f img/s: %.2fx",
                batch, batched, perRecord, batched / perRecord));
        List<Chart.Bar> bars = new ArrayList<>();
        double bound = maxWaitMs + 2 * (a + b * batch);
        for (double share : new double[] {0.5, 0.9}) {
            double rate = batched * share;
            int n = Math.max(200, (int) (rate * 5 * scale));
            double[] lat = paced(a, b, batch, maxWaitMs, n, rate);
            goals.add(Goal.atMost(String.format(Locale.ROOT, "9. p99 latency at %d%% of the simulated device's "
                    + "capacity (%.0f img/s), batch %d; p50 %.1f ms, max %.1f ms (dispatcher and device only)",
                    (int) (share * 100), rate, batch, lat[0], lat[2]), lat[1], bound, " ms"));
            bars.add(new Chart.Bar("p99 at " + (int) (share * 100) + "%", lat[1], bound));
            rows.add(new String[] {"simulated-accelerator", "latency " + (int) (share * 100) + "%", device,
                    Goal.fmt(rate), Goal.fmt(batch), Goal.fmt(lat[0]), Goal.fmt(lat[1]), Goal.fmt(n)});
            say.accept(String.format(Locale.ROOT, "   %.0f%% (%.0f img/s): p50 %.1f ms, p99 %.1f ms, max %.1f ms "
                    + "(bound %.0f ms)", share * 100, rate, lat[0], lat[1], lat[2], bound));
        }
        for (Map.Entry<String, Double> e : frameCpuMs.entrySet()) {
            // ms of CPU per frame = cores per 1,000 frames/s
            double cores = batched * e.getValue() / 1000;
            goals.add(Goal.report("9. host cores to keep the simulated V100 busy (" + Goal.fmt(batched)
                    + " frames/s), " + e.getKey() + " frames (part 8's CPU per frame)", String.format(Locale.ROOT,
                    "%.1f cores (%.1f per 1,000 frames/s)", cores, e.getValue())));
        }
        if (frameCpuMs.isEmpty()) {
            notes.put("host cores per frame size", "run with part 8 (--only 8,9): it measures the CPU per frame");
        }
        notes.put("simulated accelerator", device + "; from MXNet's published V100 scoring figures (README, "
                + "Capacity planning)");
        rows.add(new String[] {"simulated-accelerator", "batched", device, Goal.fmt(batched), Goal.fmt(batch), "", "",
                Goal.fmt(count)});
        rows.add(new String[] {"simulated-accelerator", "per record", device, Goal.fmt(perRecord), "1", "", "",
                Goal.fmt(count / 3)});
        List<Chart.Panel> panels = List.of(new Chart.Panel("9. Simulated V100: p99 latency (goal line: max-wait + 2 x "
                + "one batch)", "ms", bars));
        return new Result(goals, notes, rows, panels);
    }

    /** Images/s with {@code count} images submitted as fast as the dispatcher admits them, after the first tenth. */
    static double flood(double a, double b, int batch, long maxWaitMs, int count) {
        SimulatedAccelerator device = new SimulatedAccelerator(a, b, count);
        try (BatchDispatcher d = dispatcher(device, batch, maxWaitMs)) {
            Mailbox box = new Mailbox("flood");
            for (int i = 0; i < count; i++) {
                d.submit(pending(i, box));
            }
            awaitDone(device, count);
        }
        int skip = count / 10;
        return (count - skip) / ((device.doneNanos(count - 1) - device.doneNanos(skip - 1)) / 1e9);
    }

    /** {p50, p99, max} ms from submission to the end of the image's batch, at {@code perSecond}. */
    static double[] paced(double a, double b, int batch, long maxWaitMs, int count, double perSecond) {
        SimulatedAccelerator device = new SimulatedAccelerator(a, b, count);
        long[] sent = new long[count];
        try (BatchDispatcher d = dispatcher(device, batch, maxWaitMs)) {
            Mailbox box = new Mailbox("paced");
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                // a load generator keeps its schedule: pacing, not waiting for a condition
                long wait = start + (long) (i / perSecond * 1e9) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                sent[i] = System.nanoTime();
                d.submit(pending(i, box));
            }
            awaitDone(device, count);
        }
        double[] ms = new double[count];
        for (int i = 0; i < count; i++) {
            ms[i] = (device.doneNanos(i) - sent[i]) / 1e6;
        }
        Arrays.sort(ms);
        return new double[] {ms[count / 2], ms[(int) Math.min(count - 1, Math.ceil(count * 0.99) - 1)],
                ms[count - 1]};
    }

    private static BatchDispatcher dispatcher(SimulatedAccelerator device, int batch, long maxWaitMs) {
        int side = SimulatedAccelerator.SIDE;
        ModelSource source = ModelSource.of(device, new ImagePipeline(ImageLimits.DEFAULT, side, side,
                Preprocessing.NONE));
        return BatchDispatcher.async(source, new BatchSettings(batch, maxWaitMs, Math.max(4 * batch, 16), 2000),
                BatchListener.NONE);
    }

    private static Pending pending(int seq, Mailbox box) {
        int side = SimulatedAccelerator.SIDE;
        float[] pixels = new float[side * side * 3];
        pixels[0] = seq;
        return new Pending(seq, new byte[0], new ImageSpec(side, side, Preprocessing.NONE), pixels,
                System.currentTimeMillis(), box);
    }

    /** Until every image's batch has finished: the dispatcher's thread records them. */
    private static void awaitDone(SimulatedAccelerator device, int count) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        for (int i = 0; i < count; i++) {
            while (device.doneNanos(i) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the simulated device finished only " + i + " of " + count);
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
    }
}
