package dev.vggstream.service;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * Looks at the cluster once a second, as the processor's own producers would need it: does any broker answer, and
 * do the topics it writes (results, dead letters, the buffer's changelog) have, for every partition, a leader that
 * answers and at least {@code min.insync.replicas} in sync. Kafka Streams itself stays RUNNING through a whole outage and retries quietly, so this is what
 * makes readiness tell the truth: once Kafka has been unusable for longer than the allowed time, readiness goes
 * down; it comes back at the first good look.
 *
 * <p>It also replaces the Kafka clients' per-connection warnings (silenced in logback.xml) by one line when the
 * problem starts, one every {@link #REPEAT} while it lasts, and one when it ends.
 */
public final class KafkaMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaMonitor.class);
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final Duration REPEAT = Duration.ofSeconds(30);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

    private final Health health;
    private final long allowedMs;
    private final LongSupplier clockMs;
    private final Admin admin;
    private final List<String> outputs;
    private final int assumedMinIsr;
    private final String servers;
    private final ScheduledExecutorService timer;

    private String problem;
    private long problemSinceMs;
    private long lastLogMs;

    /** The state machine alone (no admin client, no timer), for tests. */
    KafkaMonitor(Health health, long allowedMs, LongSupplier clockMs) {
        this(health, allowedMs, clockMs, null, List.of(), 1, "", null);
    }

    private KafkaMonitor(Health health, long allowedMs, LongSupplier clockMs, Admin admin, List<String> outputs,
                         int assumedMinIsr, String servers, ScheduledExecutorService timer) {
        this.assumedMinIsr = assumedMinIsr;
        this.health = health;
        this.allowedMs = allowedMs;
        this.clockMs = clockMs;
        this.admin = admin;
        this.outputs = List.copyOf(outputs);
        this.servers = servers;
        this.timer = timer;
    }

    /**
     * Starts looking at the cluster every {@link #INTERVAL}, with its own admin client.
     *
     * @param outputs       the topics the processor writes: results, dead letters, and its internal topics (the
     *                      buffer changelog, which under exactly-once every transaction writes too)
     * @param assumedMinIsr the {@code min.insync.replicas} of a topic whose configs may not be read
     */
    public static KafkaMonitor start(Properties adminProperties, List<String> outputs, int assumedMinIsr,
                                     Health health, long allowedMs) {
        Properties p = (Properties) adminProperties.clone();
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "vggstream-kafka-monitor");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(CALL_TIMEOUT.toMillis()));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(CALL_TIMEOUT.toMillis()));
        // a broker that comes back is seen within a second or two, not after the default 1 s..1 min backoff
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vggstream-kafka-monitor");
            t.setDaemon(true);
            return t;
        });
        KafkaMonitor m = new KafkaMonitor(health, allowedMs, System::currentTimeMillis, Admin.create(p), outputs,
                assumedMinIsr, String.valueOf(p.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)), timer);
        timer.scheduleWithFixedDelay(m::tick, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return m;
    }

    private void tick() {
        try {
            look();
        } catch (RuntimeException e) {
            // a monitor that dies silently would leave readiness frozen at its last value
            log.debug("looking at the cluster failed", e);
        }
    }

    private void look() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) CALL_TIMEOUT.toMillis()))
                    .nodes().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            observe(false, "no broker answers at " + servers);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        observe(true, outputsBelowMinIsr());
    }

    /**
     * A description of the watched partitions that cannot take a write with acks=all, or null if all can. A topic
     * not there (the changelog before Streams creates it) has nothing to judge; a topic whose configs may not be
     * read (no DESCRIBE_CONFIGS: the processor's ACLs do not include it) is judged by {@link #assumedMinIsr}.
     */
    private String outputsBelowMinIsr() {
        try {
            List<TopicDescription> found = new ArrayList<>();
            for (KafkaFuture<TopicDescription> f : admin.describeTopics(outputs,
                    new DescribeTopicsOptions().timeoutMs((int) CALL_TIMEOUT.toMillis())).topicNameValues().values()) {
                answerOf(f).ifPresent(found::add);
            }
            Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(found.stream()
                    .map(d -> new ConfigResource(ConfigResource.Type.TOPIC, d.name())).toList()).values();
            Map<String, Integer> minIsr = new HashMap<>();
            for (Map.Entry<ConfigResource, KafkaFuture<Config>> e : configs.entrySet()) {
                minIsr.put(e.getKey().name(), answerOf(e.getValue()).map(KafkaMonitor::minIsr)
                        .orElse(assumedMinIsr));
            }
            List<String> short_ = belowMinIsr(found, t -> minIsr.getOrDefault(t, assumedMinIsr));
            return verdict(short_, silentLeaders(found));
        } catch (TimeoutException e) {
            // the answer came too late: no verdict either way this time
            return problem;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem;
        }
    }

    /**
     * The partitions whose leader does not answer a request for its latest offset. Without a controller quorum
     * (two of three nodes down) the metadata stays as it was: dead leaders, full ISRs; asking each leader itself is
     * what tells. ListOffsets needs only DESCRIBE on the topic, which WRITE implies.
     */
    private List<String> silentLeaders(List<TopicDescription> topics) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        topics.forEach(d -> d.partitions().forEach(p ->
                latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        ListOffsetsResult result = admin.listOffsets(latest,
                new ListOffsetsOptions().timeoutMs((int) CALL_TIMEOUT.toMillis()));
        List<String> silent = new ArrayList<>();
        for (TopicPartition tp : latest.keySet()) {
            try {
                result.partitionResult(tp).get(CALL_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                silent.add(tp.toString());
            }
        }
        silent.sort(null);
        return silent;
    }

    /** What is wrong with the watched partitions, or null: nothing. */
    static String verdict(List<String> belowMinIsr, List<String> silentLeaders) {
        List<String> parts = new ArrayList<>();
        if (!belowMinIsr.isEmpty()) {
            parts.add("below min.insync.replicas: " + summarise(belowMinIsr));
        }
        if (!silentLeaders.isEmpty()) {
            parts.add("leader not answering: " + summarise(silentLeaders));
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    /** The future's value, or empty when the broker refused it (unknown topic, not authorised). */
    private static <T> Optional<T> answerOf(KafkaFuture<T> f)
            throws TimeoutException, InterruptedException {
        try {
            return Optional.of(f.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            return Optional.empty();
        }
    }

    /**
     * The partitions of these topics without a leader or with fewer replicas in sync than the topic's
     * {@code min.insync.replicas}, as {@code topic-partition (in sync n < m)}.
     */
    static List<String> belowMinIsr(Collection<TopicDescription> topics, ToIntFunction<String> minIsr) {
        List<String> short_ = new ArrayList<>();
        for (TopicDescription d : topics) {
            int min = minIsr.applyAsInt(d.name());
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.leader() == null || p.leader().isEmpty() || p.isr().size() < min) {
                    short_.add(d.name() + "-" + p.partition() + " (in sync " + p.isr().size() + " < " + min + ")");
                }
            }
        }
        return short_;
    }

    private static int minIsr(Config config) {
        ConfigEntry e = config == null ? null : config.get("min.insync.replicas");
        return e == null || e.value() == null ? 1 : Integer.parseInt(e.value());
    }

    private static String summarise(List<String> partitions) {
        String shown = partitions.stream().limit(4).collect(Collectors.joining(", "));
        return partitions.size() > 4 ? shown + " and " + (partitions.size() - 4) + " more" : shown;
    }

    /**
     * One look's verdict: whether a broker answered, and what is wrong (null: nothing). Updates {@link Health}
     * and logs what changed, at most one line per {@link #REPEAT} while a problem lasts.
     */
    synchronized void observe(boolean connected, String nowProblem) {
        long now = clockMs.getAsLong();
        health.kafkaConnected(connected);
        health.kafkaUsable(connected && nowProblem == null);
        if (nowProblem == null) {
            if (problem != null) {
                log.info("Kafka usable again after {} s ({})", (now - problemSinceMs) / 1000, problem);
                health.kafkaProblem(null);
                problem = null;
            }
            return;
        }
        if (problem == null) {
            problemSinceMs = now;
            lastLogMs = now;
            log.warn("Kafka: {}; the processor waits and retries (readiness goes down after {} s)", nowProblem,
                    allowedMs / 1000);
        } else if (now - lastLogMs >= REPEAT.toMillis()) {
            lastLogMs = now;
            log.warn("Kafka: {} for {} s; waiting", nowProblem, (now - problemSinceMs) / 1000);
        }
        problem = nowProblem;
        if (now - problemSinceMs >= allowedMs) {
            health.kafkaProblem(nowProblem + " for " + (now - problemSinceMs) / 1000 + " s");
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(CALL_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
