package dev.vggstream.metrics;

import dev.vggstream.batch.BatchListener;
import dev.vggstream.event.Classification;
import dev.vggstream.event.InputRecord;
import dev.vggstream.event.Stage;
import dev.vggstream.inference.ModelInfo;
import dev.vggstream.inference.Prediction;
import dev.vggstream.service.Health;
import dev.vggstream.service.ModelListener;
import dev.vggstream.topology.OutcomeListener;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What the live page shows: recent throughput, batch sizes and latencies, the served model, health, and the last
 * {@value #RECENT} results and dead letters. Fed by the same hooks as the meters, on stream and dispatcher threads;
 * every window is a fixed-size ring, so memory stays bounded whatever the rate. Optional thumbnails are made off
 * those threads by {@link Thumbnails}.
 */
public final class LiveView implements BatchListener, OutcomeListener, ModelListener, AutoCloseable {

    static final int RECENT = 20;
    /** Payload text (ids, sources, labels, messages) is cut to this many characters before it is shown. */
    static final int MAX_TEXT = 160;
    private static final int LATENCY_WINDOW = 1024;
    private static final int BATCH_WINDOW = 256;
    private static final int RATE_SECONDS = 10;

    /** One recent result; the thumbnail arrives later, or never. */
    static final class Shown {
        final long seq;
        final Map<String, Object> fields;
        volatile String thumbnail;

        Shown(long seq, Map<String, Object> fields) {
            this.seq = seq;
            this.fields = fields;
        }
    }

    private final Health health;
    private final LongSupplier clockMs;
    private final Thumbnails thumbnails;
    private final ArrayDeque<Shown> results = new ArrayDeque<>();
    private final ArrayDeque<Map<String, Object>> deadLetters = new ArrayDeque<>();
    private final double[] latencies = new double[LATENCY_WINDOW];
    private final int[] batchSizes = new int[BATCH_WINDOW];
    private final long[] perSecond = new long[RATE_SECONDS + 1];
    private final long[] secondOf = new long[RATE_SECONDS + 1];
    private long latencyCount;
    private long batchCount;
    private long classified;
    private long deadLettered;
    private long firstSecond = -1;
    private volatile ModelInfo model;
    private volatile String device;

    /** @param thumbnails whether to keep small thumbnails of recent images ({@code http.view.thumbnails}) */
    public LiveView(Health health, boolean thumbnails) {
        this(health, thumbnails, System::currentTimeMillis);
    }

    LiveView(Health health, boolean thumbnails, LongSupplier clockMs) {
        this.health = health;
        this.clockMs = clockMs;
        this.thumbnails = thumbnails ? new Thumbnails() : null;
    }

    @Override
    public synchronized void batch(int size, long inferenceNanos, boolean failed) {
        batchSizes[(int) (batchCount++ % BATCH_WINDOW)] = size;
    }

    @Override
    public void served(ModelInfo served, String onDevice) {
        model = served;
        device = onDevice;
    }

    @Override
    public void result(Classification c, byte[] image) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", cut(c.id()));
        f.put("source", cut(c.source()));
        Prediction best = c.top().isEmpty() ? null : c.top().get(0);
        f.put("label", best == null ? null : cut(best.label()));
        f.put("probability", best == null ? null : best.probability());
        f.put("latencyMs", c.latencyMs().total());
        f.put("batchSize", c.batchSize());
        f.put("time", Classification.isoTimestamp(clockMs.getAsLong()));
        Shown shown;
        synchronized (this) {
            long now = clockMs.getAsLong();
            count(now / 1000);
            latencies[(int) (latencyCount++ % LATENCY_WINDOW)] = c.latencyMs().total();
            classified++;
            shown = new Shown(classified, f);
            results.addFirst(shown);
            if (results.size() > RECENT) {
                results.removeLast();
            }
        }
        if (thumbnails != null && image != null) {
            thumbnails.offer(image, t -> shown.thumbnail = t);
        }
    }

    @Override
    public void deadLetter(InputRecord failed, Stage stage, String reason, Throwable error) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("input", cut(failed.topic() + "-" + failed.partition() + "@" + failed.offset()));
        f.put("key", failed.key() == null ? null : cut(new String(failed.key(), StandardCharsets.UTF_8)));
        f.put("stage", stage.id());
        f.put("reason", cut(reason));
        f.put("message", cut(error.getMessage()));
        f.put("time", Classification.isoTimestamp(clockMs.getAsLong()));
        synchronized (this) {
            deadLettered++;
            deadLetters.addFirst(f);
            if (deadLetters.size() > RECENT) {
                deadLetters.removeLast();
            }
        }
    }

    private void count(long second) {
        if (firstSecond < 0) {
            firstSecond = second;
        }
        int i = (int) (second % perSecond.length);
        if (secondOf[i] != second) {
            secondOf[i] = second;
            perSecond[i] = 0;
        }
        perSecond[i]++;
    }

    /** Everything the page shows, as JSON-ready maps and lists. */
    public synchronized Map<String, Object> state() {
        long nowSecond = clockMs.getAsLong() / 1000;
        Map<String, Object> s = new LinkedHashMap<>();
        ModelInfo m = model;
        s.put("model", m == null ? null : Map.of("name", cut(m.name()), "version", cut(m.version()),
                "device", String.valueOf(device)));
        s.put("health", Map.of("live", health.live(), "started", health.started(), "ready", health.ready(),
                "streams", String.valueOf(health.streamsState())));
        s.put("throughput", throughput(nowSecond));
        s.put("batchSize", meanBatch());
        s.put("latencyMs", percentiles());
        s.put("classified", classified);
        s.put("deadLettered", deadLettered);
        s.put("thumbnails", thumbnails != null);
        s.put("results", results.stream().map(r -> {
            Map<String, Object> f = new LinkedHashMap<>(r.fields);
            f.put("thumbnail", r.thumbnail);
            return f;
        }).toList());
        s.put("deadLetters", List.copyOf(deadLetters));
        return s;
    }

    /** Images per second over the last {@value #RATE_SECONDS} whole seconds (fewer just after the start). */
    private double throughput(long nowSecond) {
        if (firstSecond < 0) {
            return 0;
        }
        long sum = 0;
        for (int i = 0; i < perSecond.length; i++) {
            if (secondOf[i] < nowSecond && secondOf[i] >= nowSecond - RATE_SECONDS) {
                sum += perSecond[i];
            }
        }
        long window = Math.min(RATE_SECONDS, nowSecond - firstSecond);
        return window <= 0 ? 0 : (double) sum / window;
    }

    private double meanBatch() {
        int n = (int) Math.min(batchCount, BATCH_WINDOW);
        return n == 0 ? 0 : Arrays.stream(batchSizes, 0, n).average().orElse(0);
    }

    private Map<String, Object> percentiles() {
        int n = (int) Math.min(latencyCount, LATENCY_WINDOW);
        double[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("p50", rank(sorted, 0.50));
        p.put("p95", rank(sorted, 0.95));
        p.put("p99", rank(sorted, 0.99));
        return p;
    }

    /** Nearest-rank percentile; null with no samples. */
    private static Double rank(double[] sorted, double q) {
        if (sorted.length == 0) {
            return null;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
    }

    @Override
    public void close() {
        if (thumbnails != null) {
            thumbnails.close();
        }
    }
}
