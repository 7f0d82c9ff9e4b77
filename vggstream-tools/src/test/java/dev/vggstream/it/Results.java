package dev.vggstream.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The classifications a test has read so far, by id, with what accounting needs: lost, duplicated, order. */
public final class Results {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<JsonNode> all = new ArrayList<>();
    private final Map<String, Integer> count = new HashMap<>();

    public void add(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode j = JSON.readTree(r.value());
            all.add(j);
            count.merge(j.get("id").asText(), 1, Integer::sum);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until every id in {@code expected} has a result, or the timeout passes. */
    public Results readUntilAll(KafkaConsumer<byte[], byte[]> c, Collection<String> expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!count.keySet().containsAll(expected) && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(200)).forEach(this::add);
        }
        return this;
    }

    /** Keeps reading for a while, for late duplicates. */
    public Results readFor(KafkaConsumer<byte[], byte[]> c, Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(200)).forEach(this::add);
        }
        return this;
    }

    public Set<String> lost(Collection<String> expected) {
        Set<String> out = new HashSet<>(expected);
        out.removeAll(count.keySet());
        return out;
    }

    /** Results beyond the first per id. */
    public int duplicates() {
        return count.values().stream().mapToInt(n -> n - 1).sum();
    }

    /** Distinct ids answered. */
    public int distinct() {
        return count.size();
    }

    public int size() {
        return all.size();
    }

    public List<JsonNode> all() {
        return all;
    }

    /** Input offsets of each input partition, in the order their results arrived. */
    public Map<Integer, List<Long>> offsetsByPartition() {
        Map<Integer, List<Long>> out = new HashMap<>();
        for (JsonNode j : all) {
            out.computeIfAbsent(j.get("input").get("partition").asInt(), k -> new ArrayList<>())
                    .add(j.get("input").get("offset").asLong());
        }
        return out;
    }
}
