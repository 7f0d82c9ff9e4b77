package dev.vggstream.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One turn of the peer benchmark: a side (the Python consumer, or vggstream's processor in a JVM of its own) started
 * fresh against a backlog of its own, and then fed a second backlog while it runs. The same images, the same broker,
 * the same partitions for both; each side writes its results to a topic of its own, which this reads with receipt
 * times. CPU per image is read from /proc for the side's processes and the broker.
 */
final class PeerBench {

    /** Results before this share of the cold backlog are start-up; the cold rate is over the rest. */
    static final int COLD_SKIP_DIVISOR = 3;
    /** Window over which "reached 90% of its warm rate" is judged, in results. */
    static final int RAMP_WINDOW = 1000;
    /** Results per point of a turn's curves (images/s over the cold backlog, and over the warm one). */
    static final int CURVE_STEP = 2000;

    private PeerBench() {
    }

    /** A side under test: how to start it, when it is ready, and how its CPU is read. */
    interface Side {
        String name();

        /** Starts the side's processes reading {@code in}, writing {@code out}, in consumer group {@code group}. */
        Process start(String bootstrap, String in, String out, String group) throws IOException;

        /** Whether this line of the side's output says it is ready (all its processes). */
        boolean readyAfter(String line, List<String> linesSoFar);

        /** CPU nanoseconds so far by part; parts in a fixed order. */
        Map<String, Long> cpu(Process p, List<String> lines);
    }

    /**
     * What one turn measured.
     *
     * @param startToReadyMs launch to the side's own "ready"
     * @param rampImages     results before the first {@link #RAMP_WINDOW} of the cold backlog at 90% of the warm rate
     *                       or more (-1: never)
     * @param coldCurve      images/s over each {@link #CURVE_STEP} results of the cold backlog, in order: how the
     *                       ramp looked
     * @param warmCurve      the same over the warm backlog: whether its start is slow too (then not the JIT's)
     */
    record Turn(String side, double coldPerSecond, double warmPerSecond, long startToReadyMs, int rampImages,
                Map<String, Double> coldCpuMs, Map<String, Double> warmCpuMs, List<Integer> coldCurve,
                List<Integer> warmCurve) {
        Turn(String side, double coldPerSecond, double warmPerSecond, long startToReadyMs, int rampImages,
             Map<String, Double> coldCpuMs, Map<String, Double> warmCpuMs) {
            this(side, coldPerSecond, warmPerSecond, startToReadyMs, rampImages, coldCpuMs, warmCpuMs, List.of(),
                    List.of());
        }
    }

    /** Runs one turn: {@code cold} events queued before the start, then {@code warm} more while it runs. */
    static Turn run(String bootstrap, Side side, List<byte[]> images, int cold, int warm, Path work, Path logs,
                    Supplier<Long> brokerCpu, PrintWriter console) throws Exception {
        String id = "bench-peer-" + side.name().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                + "-" + UUID.randomUUID().toString().substring(0, 6);
        StreamBench.createTopics(bootstrap, id, 8);
        StreamBench.Setup coldSetup = new StreamBench.Setup(id, null, 8, 0, 0, 0, "", Payloads.Encoding.RAW, images,
                cold, 1, Map.of());
        StreamBench.produce(bootstrap, id + ".in", coldSetup);
        int total = cold + warm;
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Results results = new Results(bootstrap, id + ".out", total)) {
            Thread reader = new Thread(results, "bench-peer-results");
            reader.start();
            long launched = System.nanoTime();
            Process p = side.start(bootstrap, id + ".in", id + ".out", id);
            long[] readyAt = {-1};
            Thread out = new Thread(() -> follow(p, side, lines, readyAt, logs.resolve(id + ".log")), "bench-peer-log");
            out.start();
            try {
                Map<String, Long>[] marks = marks(4);
                int[] at = {cold / COLD_SKIP_DIVISOR, cold, cold + warm / COLD_SKIP_DIVISOR, total};
                for (int m = 0; m < at.length; m++) {
                    if (m == 2) {
                        StreamBench.produce(bootstrap, id + ".in", new StreamBench.Setup(id, null, 8, 0, 0, 0, "",
                                Payloads.Encoding.RAW, images, warm, 1, Map.of()));
                        say(console, "      %s: cold backlog drained; %d more queued while it runs", side.name(), warm);
                    }
                    results.await(at[m], p);
                    marks[m] = sample(side, p, lines, brokerCpu);
                }
                double coldRate = results.rate(at[0], at[1]);
                double warmRate = results.rate(at[2], at[3]);
                long[] times = results.times();
                return new Turn(side.name(), coldRate, warmRate, readyAt[0] < 0 ? -1
                        : TimeUnit.NANOSECONDS.toMillis(readyAt[0] - launched), rampImages(times, cold, warmRate),
                        perImage(marks[0], marks[1], at[1] - at[0]), perImage(marks[2], marks[3], at[3] - at[2]),
                        curve(times, 0, cold), curve(times, cold, total));
            } finally {
                stop(p);
                results.stop();
                reader.join();
                out.join(10_000);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long>[] marks(int n) {
        return new Map[n];
    }

    private static Map<String, Long> sample(Side side, Process p, List<String> lines, Supplier<Long> brokerCpu) {
        Map<String, Long> m = new LinkedHashMap<>(side.cpu(p, lines));
        m.put("broker", brokerCpu.get());
        return m;
    }

    /** CPU milliseconds per image of each part between two samples. */
    static Map<String, Double> perImage(Map<String, Long> from, Map<String, Long> to, int images) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : to.entrySet()) {
            Long before = from.get(e.getKey());
            boolean known = before != null && before >= 0 && e.getValue() >= 0 && images > 0;
            out.put(e.getKey(), known ? (e.getValue() - before) / 1e6 / images : Double.NaN);
        }
        return out;
    }

    /**
     * How many results came before the first window of {@link #RAMP_WINDOW} results, among the first {@code cold},
     * that ran at {@code 0.9 x warmRate} or faster; -1 if none did.
     */
    static int rampImages(long[] receivedNanos, int cold, double warmRate) {
        int n = Math.min(cold, receivedNanos.length);
        for (int start = 0; start + RAMP_WINDOW < n; start += RAMP_WINDOW / 10) {
            double seconds = (receivedNanos[start + RAMP_WINDOW] - receivedNanos[start]) / 1e9;
            if (seconds > 0 && RAMP_WINDOW / seconds >= 0.9 * warmRate) {
                return start;
            }
        }
        return -1;
    }

    /** Images/s over each {@link #CURVE_STEP} of results {@code [from, to)}. */
    static List<Integer> curve(long[] receivedNanos, int from, int to) {
        List<Integer> out = new ArrayList<>();
        int n = Math.min(to, receivedNanos.length);
        for (int start = from; start + CURVE_STEP <= n; start += CURVE_STEP) {
            double seconds = (receivedNanos[start + CURVE_STEP - 1] - receivedNanos[start]) / 1e9;
            out.add(seconds > 0 ? (int) Math.round((CURVE_STEP - 1) / seconds) : -1);
        }
        return out;
    }

    /** Copies the side's output to its log and notes the moment it reports ready. */
    private static void follow(Process p, Side side, List<String> lines, long[] readyAt, Path log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
                w.println(line);
                w.flush();
                if (readyAt[0] < 0 && side.readyAfter(line, lines)) {
                    readyAt[0] = System.nanoTime();
                }
            }
        } catch (IOException e) {
            // the process ended: nothing more to copy
        }
    }

    /** SIGTERM, then SIGKILL if it has not stopped in 30 s. */
    private static void stop(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
        }
    }

    static void say(PrintWriter console, String format, Object... args) {
        console.println(String.format(java.util.Locale.ROOT, format, args));
        console.flush();
    }

    /** Reads a side's result topic from the beginning and keeps each result's receipt time. */
    static final class Results implements Runnable, AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final long[] times;
        private volatile int count;
        private volatile boolean stopped;

        Results(String bootstrap, String topic, int expected) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            times = new long[expected];
        }

        @Override
        public void run() {
            while (!stopped && count < times.length) {
                int n = count;
                for (var ignored : consumer.poll(Duration.ofMillis(50))) {
                    if (n < times.length) {
                        times[n++] = System.nanoTime();
                    }
                }
                count = n;
            }
        }

        /** Waits until {@code n} results have arrived; fails if the side's process ended or 10 minutes passed. */
        void await(int n, Process side) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (count < n) {
                if (!side.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the side stopped answering after " + count + " of " + n
                            + " results" + (side.isAlive() ? "" : " (its process exited with " + side.exitValue()
                            + "; see its log)"));
                }
                Thread.sleep(10); // polling a counter another thread fills; a result every millisecond or so
            }
        }

        double rate(int from, int to) {
            double seconds = (times[to - 1] - times[from]) / 1e9;
            return seconds > 0 ? (to - 1 - from) / seconds : Double.NaN;
        }

        long[] times() {
            return java.util.Arrays.copyOf(times, count);
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void close() {
            stopped = true;
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** A process's user + system CPU nanoseconds so far, -1 once it is gone. */
    static Supplier<Long> cpuNanos(long pid) {
        return () -> {
            long[] t = ProcCpu.userSystem(pid);
            return t[0] < 0 ? -1 : t[0] + t[1];
        };
    }

    /** The median over the rounds (the upper one of an even count). */
    static double median(List<Turn> turns, java.util.function.ToDoubleFunction<Turn> f) {
        double[] v = turns.stream().mapToDouble(f).sorted().toArray();
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }

    /** "processes, user 0.61, processes, system 0.05, ..." */
    static String describe(Map<String, Double> cpuMs) {
        StringBuilder b = new StringBuilder();
        cpuMs.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format(java.util.Locale.ROOT, "%.3f", v)));
        return b.toString();
    }

    /**
     * A processor's CPU per image without the model: its processes' user and system time less the inference
     * thread and the threads no Java name claims (TensorFlow's pool, and the JVM's own minor threads).
     */
    static double modelExcludedMs(Map<String, Double> cpuMs) {
        return cpuMs.get("processes, user") + cpuMs.get("processes, system") - cpuMs.get(ProcCpu.JVM_PARTS.get(1))
                - cpuMs.get(ProcCpu.JVM_PARTS.get(5));
    }

    /** The median over rounds of mine[i] / theirs[i]: each pair ran minutes apart at most, on the same machine. */
    static double medianRatio(List<Turn> mine, List<Turn> theirs, java.util.function.ToDoubleFunction<Turn> rate) {
        double[] r = new double[Math.min(mine.size(), theirs.size())];
        for (int i = 0; i < r.length; i++) {
            r[i] = rate.applyAsDouble(mine.get(i)) / rate.applyAsDouble(theirs.get(i));
        }
        java.util.Arrays.sort(r);
        if (r.length == 0) {
            return Double.NaN;
        }
        return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }

    /** The worker pids the Python consumer prints ("ready PID"), in order. */
    static List<Long> readyPids(List<String> lines) {
        List<Long> pids = new ArrayList<>();
        for (String l : lines) {
            String t = l.trim();
            if (t.startsWith("ready ")) {
                try {
                    pids.add(Long.parseLong(t.substring(6).trim()));
                } catch (NumberFormatException e) {
                    // not one of its ready lines
                }
            }
        }
        return pids;
    }

    /** The missing Debian packages the script names ("missing: a b"), or empty when it has what it needs. */
    static Optional<String> missingPackages(String checkOutput) {
        String t = checkOutput.trim();
        return t.startsWith("missing:") ? Optional.of(t.substring(8).trim()) : Optional.empty();
    }
}
