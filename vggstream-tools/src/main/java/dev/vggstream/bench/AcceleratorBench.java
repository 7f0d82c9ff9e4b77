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
import java.util.Random;
import java.util.function.Consumer;

/**
 * Part 11: capacity planning for a GPU this machine does not have. The processor's batching dispatcher (its own
 * code, in its inline mode, driven in virtual time) feeds a {@link SimulatedAccelerator} whose batch time follows
 * published VGG16 figures: the batched against the per-record throughput, p50/p99 latency from arrival to the end
 * of the image's batch at 50% and 90% of the device's capacity (arrivals at random, as from many cameras), and,
 * with part 10's measured CPU per frame, the host cores each frame size needs to keep the device busy. Decoding,
 * Kafka and the broker are not in these latencies (part 5 measures them on the CPU, part 10 their CPU cost).
 */
final class AcceleratorBench {

    /** Virtual-time resolution of the driver: it looks for due batches every 100 µs. */
    private static final long TICK_MICROS = 100;

    record Result(List<Goal> goals, Map<String, String> notes, List<String[]> rows, List<Chart.Panel> panels) {
    }

    private AcceleratorBench() {
    }

    static Result run(double scale, int batch, long maxWaitMs, Map<String, Double> frameCpuMs,
                      Consumer<String> say) {
        List<Goal> goals = new ArrayList<>();
        Map<String, String> notes = new LinkedHashMap<>();
        List<String[]> rows = new ArrayList<>();
        double a = SimulatedAccelerator.V100_VGG16_A_MS;
        double b = SimulatedAccelerator.V100_VGG16_B_MS;
        String device = String.format(Locale.ROOT, "simulated V100, VGG16@224 fp32, t(n) = %.2f + %.2f n ms", a, b);
        say.accept("11. " + device + ": batched vs per record, latency, host cores per frame size");
        int count = Math.max(500, (int) (5000 * scale));
        double batched = throughput(a, b, batch, maxWaitMs, count);
        double perRecord = throughput(a, b, 1, 0, count);
        goals.add(Goal.report("11. batched / per-record speedup, " + device, String.format(Locale.ROOT,
                "%.2fx (%.0f vs %.0f img/s, batch %d vs 1)", batched / perRecord, batched, perRecord, batch)));
        say.accept(String.format(Locale.ROOT, "   batched (batch %d): %.0f img/s; per record: %.0f img/s: %.2fx",
                batch, batched, perRecord, batched / perRecord));
        rows.add(new String[] {"simulated-accelerator", "batched", device, Goal.fmt(batched), Goal.fmt(batch), "", "",
                Goal.fmt(count)});
        rows.add(new String[] {"simulated-accelerator", "per record", device, Goal.fmt(perRecord), "1", "", "",
                Goal.fmt(count)});
        List<Chart.Bar> bars = new ArrayList<>();
        double bound = maxWaitMs + 2 * (a + b * batch);
        for (double share : new double[] {0.5, 0.9}) {
            double rate = batched * share;
            double[] lat = latency(a, b, batch, maxWaitMs, count, rate);
            goals.add(Goal.atMost(String.format(Locale.ROOT, "11. p99 latency at %d%% of the simulated V100's capacity "
                    + "(%.0f img/s at random), batch %d; p50 %.1f ms, max %.1f ms (batching and device only)",
                    (int) (share * 100), rate, batch, lat[0], lat[2]), lat[1], bound, " ms"));
            bars.add(new Chart.Bar("p99 at " + (int) (share * 100) + "%", lat[1], bound));
            rows.add(new String[] {"simulated-accelerator", "latency " + (int) (share * 100) + "%", device,
                    Goal.fmt(rate), Goal.fmt(batch), Goal.fmt(lat[0]), Goal.fmt(lat[1]), Goal.fmt(count)});
            say.accept(String.format(Locale.ROOT, "   %.0f%% (%.0f img/s): p50 %.1f ms, p99 %.1f ms, max %.1f ms "
                    + "(bound max-wait + 2 batches: %.0f ms)", share * 100, rate, lat[0], lat[1], lat[2], bound));
        }
        for (Map.Entry<String, Double> e : frameCpuMs.entrySet()) {
            // ms of CPU per frame = cores per 1,000 frames/s
            double cores = batched * e.getValue() / 1000;
            goals.add(Goal.report("11. host cores to keep the simulated V100 busy (" + Goal.fmt(batched)
                    + " frames/s), " + e.getKey() + " frames, from part 10's CPU per frame", String.format(Locale.ROOT,
                    "%.1f cores (%.1f per 1,000 frames/s)", cores, e.getValue())));
            say.accept(String.format(Locale.ROOT, "   %s frames: %.1f cores to keep it busy", e.getKey(), cores));
        }
        if (frameCpuMs.isEmpty()) {
            notes.put("host cores per frame size", "run with part 10 (--only 10,11): it measures the CPU per frame");
        }
        notes.put("simulated accelerator", device + ", from MXNet's published V100 scoring figures (README, "
                + "Capacity planning); virtual time, so this machine's load is not in it");
        List<Chart.Panel> panels = List.of(new Chart.Panel("11. Simulated V100: p99 latency (goal line: max-wait + 2 x "
                + "one batch)", "ms", bars));
        return new Result(goals, notes, rows, panels);
    }

    /** Images/s with {@code count} images all waiting from the start: the device never idles. */
    static double throughput(double a, double b, int batch, long maxWaitMs, int count) {
        long[] arrivals = new long[count];
        SimulatedAccelerator device = drive(a, b, batch, maxWaitMs, arrivals);
        long last = 0;
        for (int i = 0; i < count; i++) {
            last = Math.max(last, device.doneMicros(i));
        }
        return count / (last / 1e6);
    }

    /** {p50, p99, max} ms from arrival to the end of the image's batch, arrivals at random at {@code perSecond}. */
    static double[] latency(double a, double b, int batch, long maxWaitMs, int count, double perSecond) {
        Random r = new Random(9);
        long[] arrivals = new long[count];
        double t = 0;
        for (int i = 0; i < count; i++) {
            t += -Math.log(1 - r.nextDouble()) / perSecond * 1e6; // exponential gaps: a Poisson stream
            arrivals[i] = Math.round(t);
        }
        SimulatedAccelerator device = drive(a, b, batch, maxWaitMs, arrivals);
        double[] ms = new double[count];
        for (int i = 0; i < count; i++) {
            ms[i] = (device.doneMicros(i) - arrivals[i]) / 1e3;
        }
        Arrays.sort(ms);
        return new double[] {ms[count / 2], ms[(int) Math.ceil(count * 0.99) - 1], ms[count - 1]};
    }

    /**
     * Runs the dispatcher in virtual microseconds (its clock is only compared, so microseconds serve as its
     * milliseconds with max-wait scaled to match): each image is submitted at its arrival time, and between
     * arrivals the dispatcher is polled every {@link #TICK_MICROS} while the device is free, as its own thread
     * would take a due batch as soon as the previous one is done.
     */
    private static SimulatedAccelerator drive(double a, double b, int batch, long maxWaitMs, long[] arrivals) {
        SimulatedAccelerator device = new SimulatedAccelerator(a, b, arrivals.length);
        int side = SimulatedAccelerator.SIDE;
        ModelSource source = ModelSource.of(device, new ImagePipeline(ImageLimits.DEFAULT, side, side,
                Preprocessing.NONE));
        BatchSettings settings = new BatchSettings(batch, maxWaitMs * 1000, Integer.MAX_VALUE, 0);
        long[] clock = {0};
        try (BatchDispatcher d = BatchDispatcher.inline(source, settings, BatchListener.NONE, () -> clock[0])) {
            Mailbox box = new Mailbox();
            for (int i = 0; i < arrivals.length; i++) {
                advance(d, device, clock, arrivals[i]);
                device.now = arrivals[i];
                d.submit(pending(i, arrivals[i], box));
            }
            while (d.inFlight() > 0) {
                advance(d, device, clock, clock[0] + TICK_MICROS);
            }
        }
        return device;
    }

    private static void advance(BatchDispatcher d, SimulatedAccelerator device, long[] clock, long until) {
        // nothing waiting: nothing can become due before the next arrival
        for (long t = clock[0]; t <= until && d.inFlight() > 0; t += TICK_MICROS) {
            if (device.idleAt(t)) {
                device.now = t;
                d.poll(t);
            }
        }
        clock[0] = until;
    }

    private static Pending pending(int seq, long arrivalMicros, Mailbox box) {
        int side = SimulatedAccelerator.SIDE;
        float[] pixels = new float[side * side * 3];
        pixels[0] = seq + 1;
        // the dispatcher's clock here is the virtual microsecond clock read as milliseconds (LatencyClock.ofMillis)
        return new Pending(seq, new byte[0], new ImageSpec(side, side, Preprocessing.NONE), pixels, arrivalMicros,
                arrivalMicros * 1_000_000L, box);
    }
}
