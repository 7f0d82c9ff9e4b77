package dev.vggstream.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.event.EventHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the demo saw: each answer printed as it arrives, and the closing summary. */
final class DemoSummary {

    private final long started;
    private final List<Double> endToEndMs = new ArrayList<>();
    private final List<Double> processingMs = new ArrayList<>();
    private double batches;
    private int results;
    private int deadLetters;
    private int correct;
    private int labelled;
    private long last;

    DemoSummary(long started) {
        this.started = started;
    }

    int answered() {
        return results + deadLetters;
    }

    void result(PrintWriter out, JsonNode r, Map<String, Long> sentAt, Map<String, String> labels) {
        long now = System.nanoTime();
        last = now;
        String id = r.get("id").asText();
        JsonNode best = r.get("top").get(0);
        int batch = r.get("batchSize").asInt();
        results++;
        batches += 1.0 / Math.max(1, batch);
        Long sent = sentAt.get(id);
        if (sent != null) {
            endToEndMs.add((now - sent) / 1e6);
        }
        processingMs.add(r.get("latencyMs").get("total").asDouble());
        String truth = labels.get(id);
        String verdict = "";
        if (truth != null) {
            labelled++;
            boolean ok = truth.equalsIgnoreCase(best.get("label").asText());
            correct += ok ? 1 : 0;
            verdict = ok ? "  correct" : "  (is " + truth + ")";
        }
        out.printf(Locale.ROOT, "  %-6s %-24s -> %-12s %5.1f%%  batch %2d  %6.1f ms%s%n", r.get("source").asText(),
                id, best.get("label").asText(), 100 * best.get("probability").asDouble(), batch,
                r.get("latencyMs").get("total").asDouble(), verdict);
        out.flush();
    }

    void deadLetter(PrintWriter out, ConsumerRecord<byte[], byte[]> r, Map<String, Long> sentAt) {
        last = System.nanoTime();
        deadLetters++;
        String id = header(r, EventHeaders.ID);
        out.printf("  dead letter %-24s %s at %s: %s%n", id == null ? "(json event)" : id,
                header(r, EventHeaders.ERROR_REASON), header(r, EventHeaders.ERROR_STAGE),
                header(r, EventHeaders.ERROR_MESSAGE));
        out.flush();
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    void print(PrintWriter out, DemoData data) {
        double seconds = (last - started) / 1e9;
        out.println();
        out.printf(Locale.ROOT, "summary: %d images: %d classified, %d dead letters%n", answered(), results,
                deadLetters);
        out.printf(Locale.ROOT, "  batches %.0f, mean batch size %.1f%n", batches,
                batches == 0 ? 0 : results / batches);
        out.printf(Locale.ROOT, "  throughput %.1f images/s (first send to last answer, %.2f s)%n",
                answered() / seconds, seconds);
        out.printf(Locale.ROOT, "  latency end to end p50 %.1f ms, p99 %.1f ms; in the processor p50 %.1f ms, "
                + "p99 %.1f ms%n", percentile(endToEndMs, 50), percentile(endToEndMs, 99),
                percentile(processingMs, 50), percentile(processingMs, 99));
        if (labelled > 0) {
            out.printf(Locale.ROOT, "  accuracy %d/%d = %.1f%% (%s)%n", correct, labelled,
                    100.0 * correct / labelled, data.modelDescription());
        }
        out.flush();
    }

    static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
