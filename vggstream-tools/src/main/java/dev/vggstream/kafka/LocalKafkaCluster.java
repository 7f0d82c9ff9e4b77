package dev.vggstream.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replicated Kafka cluster of N {@link LocalKafkaBroker} nodes on loopback, each in its own JVM, for the
 * {@code broker --nodes N} command, the demo and the fault tests.
 *
 * <p>Every node is a combined broker + controller: with three nodes the KRaft quorum survives one node down,
 * exactly like the data replicas with {@code min.insync.replicas=2}, and the cluster costs three JVMs rather than
 * six. The voters are static ({@code controller.quorum.voters}); all nodes share one cluster id.
 *
 * <p>Replication: {@code default.replication.factor} and the internal topics' factor are {@code min(3, N)},
 * {@code min.insync.replicas} (and the transaction log's min ISR) {@code min(2, N)}.
 *
 * <p>Nodes start and stop together: a node waits for a quorum before it answers, and a node stopped after the
 * quorum is gone can hang in its controlled shutdown.
 */
public final class LocalKafkaCluster implements LocalKafka {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaCluster.class);
    private static final String HOST = "127.0.0.1";
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final List<LocalKafkaBroker> nodes;
    private final Path dataDir;
    private final boolean ownsDataDir;

    private LocalKafkaCluster(List<LocalKafkaBroker> nodes, Path dataDir, boolean ownsDataDir) {
        this.nodes = List.copyOf(nodes);
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
    }

    /** The server properties that make a cluster of {@code size} nodes replicate everything it can. */
    public static Map<String, String> replicationProperties(int size) {
        String rf = Integer.toString(Math.min(3, size));
        String minIsr = Integer.toString(Math.min(2, size));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("default.replication.factor", rf);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", rf);
        p.put("transaction.state.log.replication.factor", rf);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", rf);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        // a restarted node takes its partitions back within seconds instead of the default 5 minutes
        p.put("leader.imbalance.check.interval.seconds", "10");
        return p;
    }

    /**
     * Builds the nodes of a cluster (not started). {@code template} sets what every node shares (heap, message
     * size, extra properties); its data directory, if any, becomes the parent of {@code node-<id>/}.
     */
    public static LocalKafkaCluster create(int size, LocalKafkaBroker.Builder template) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node: " + size);
        }
        LocalKafkaBroker.Options base = template.options();
        boolean owns = base.dataDir().isEmpty();
        Path root;
        try {
            root = owns ? Files.createTempDirectory("vggstream-kafka-cluster-")
                    : Files.createDirectories(base.dataDir().get()).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster's data directory", e);
        }
        int[][] ports = freePorts(size);
        String voters = IntStream.range(0, size)
                .mapToObj(i -> (i + 1) + "@" + HOST + ":" + ports[i][1])
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        Map<String, String> server = new LinkedHashMap<>(replicationProperties(size));
        server.putAll(base.serverProperties());
        List<LocalKafkaBroker> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            LocalKafkaBroker.Options o = base;
            nodes.add(new LocalKafkaBroker(new LocalKafkaBroker.Options(Optional.of(root.resolve("node-" + (i + 1))),
                    ports[i][0], ports[i][1], Optional.empty(), o.messageMaxBytes(), server, o.maxHeap(),
                    o.jvmOptions(), o.classpath(), o.startTimeout(), o.stopTimeout(),
                    new LocalKafkaBroker.Membership(i + 1, Optional.of(clusterId), Optional.of(voters)))));
        }
        return new LocalKafkaCluster(nodes, root, owns);
    }

    /** Creates and starts a cluster; closes it again if it cannot start. */
    public static LocalKafkaCluster start(int size, LocalKafkaBroker.Builder template) {
        LocalKafkaCluster cluster = create(size, template);
        try {
            return cluster.start();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Starts every node that is not running, in parallel, and returns once all of them are in the cluster. */
    public LocalKafkaCluster start() {
        Instant begin = Instant.now();
        inParallel(nodes, LocalKafkaBroker::start);
        awaitBrokers(nodes.size(), nodes.get(0).options().startTimeout());
        LOG.info("Kafka cluster of {} nodes up at {} in {} ms", nodes.size(), bootstrapServers(),
                Duration.between(begin, Instant.now()).toMillis());
        return this;
    }

    /** Stops the given nodes at the same time (SIGTERM, SIGKILL after each node's stop timeout). */
    public void stop(Collection<LocalKafkaBroker> which) {
        inParallel(List.copyOf(which), broker -> {
            broker.stop();
            return broker;
        });
    }

    /** Stops every node together and deletes the data directory if it is a temporary one. */
    @Override
    public void close() {
        inParallel(nodes, broker -> {
            broker.close();
            return broker;
        });
        if (ownsDataDir) {
            try (var paths = Files.walk(dataDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("Could not delete cluster data directory {}", dataDir, e);
            }
        }
    }

    public List<LocalKafkaBroker> nodes() {
        return nodes;
    }

    public int size() {
        return nodes.size();
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    /** The node with this {@code node.id}. */
    public LocalKafkaBroker node(int nodeId) {
        return nodes.stream().filter(n -> n.nodeId() == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + nodeId + " in " + this));
    }

    /** Every node's PLAINTEXT listener, comma-separated: what clients put in bootstrap.servers. */
    @Override
    public String bootstrapServers() {
        return nodes.stream().map(LocalKafkaBroker::bootstrapServers).collect(Collectors.joining(","));
    }

    /** The node leading each partition of {@code topic} (-1 where none leads). */
    public Map<Integer, Integer> leaders(String topic) {
        return withAdmin(admin -> describe(admin, topic).partitions().stream()
                .collect(Collectors.toMap(TopicPartitionInfo::partition,
                        p -> p.leader() == null ? -1 : p.leader().id())));
    }

    /** The node that leads most partitions of {@code topic}. */
    public int busiestLeader(String topic) {
        return leaders(topic).values().stream().filter(id -> id >= 0)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** The group coordinator of a consumer group (a Streams application id). */
    public int groupCoordinator(String groupId) {
        return withAdmin(admin -> admin.describeConsumerGroups(List.of(groupId)).all()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(groupId).coordinator().id());
    }

    /** The transaction coordinator of a transactional id. */
    public int transactionCoordinator(String transactionalId) {
        return withAdmin(admin -> admin.describeTransactions(List.of(transactionalId)).all()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(transactionalId).coordinatorId());
    }

    /** Transactional ids known to the cluster whose name starts with {@code prefix}. */
    public Set<String> transactionalIds(String prefix) {
        return withAdmin(admin -> admin.listTransactions().all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .stream().map(t -> t.transactionalId()).filter(id -> id.startsWith(prefix))
                .collect(Collectors.toSet()));
    }

    /** Partitions of these topics whose in-sync replicas are fewer than their replicas. */
    public List<TopicPartition> underReplicated(Collection<String> topics) {
        return withAdmin(admin -> admin.describeTopics(topics).allTopicNames()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values().stream()
                .flatMap(d -> d.partitions().stream()
                        .filter(p -> p.leader() == null || p.isr().size() < p.replicas().size())
                        .map(p -> new TopicPartition(d.name(), p.partition())))
                .toList());
    }

    /** Waits until every partition of these topics (and of the internal ones) has its full ISR again. */
    public void awaitFullIsr(Collection<String> topics, Duration timeout) {
        List<String> all = new ArrayList<>(topics);
        all.addAll(existing(List.of("__consumer_offsets", "__transaction_state")));
        awaitCondition(() -> underReplicated(all).isEmpty(), timeout, "full ISR on " + all);
    }

    /** Waits until {@code count} brokers are registered and unfenced. */
    public void awaitBrokers(int count, Duration timeout) {
        awaitCondition(() -> withAdmin(admin -> admin.describeCluster().nodes()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size()) >= count, timeout, count + " brokers");
    }

    private List<String> existing(List<String> topics) {
        Set<String> names = withAdmin(admin -> admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions()
                .listInternal(true)).names().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        return topics.stream().filter(names::contains).toList();
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
    }

    /** An admin call against the running nodes; retried while the cluster answers with a retriable error. */
    private <T> T withAdmin(AdminCall<T> call) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, runningBootstrap(),
                AdminClientConfig.CLIENT_ID_CONFIG, "local-kafka-cluster-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis() * 2);
        try (Admin admin = Admin.create(config)) {
            return call.apply(admin);
        } catch (ExecutionException e) {
            throw new IllegalStateException("admin call failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("admin call failed: " + e, e);
        }
    }

    /** Only live, unfrozen nodes: a client given a dead or frozen node first wastes a timeout on it. */
    private String runningBootstrap() {
        String running = nodes.stream().filter(n -> n.isRunning() && !n.isSuspended())
                .map(LocalKafkaBroker::bootstrapServers)
                .collect(Collectors.joining(","));
        return running.isEmpty() ? bootstrapServers() : running;
    }

    private static void awaitCondition(java.util.function.BooleanSupplier test, Duration timeout, String what) {
        Instant deadline = Instant.now().plus(timeout);
        RuntimeException last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                if (test.getAsBoolean()) {
                    return;
                }
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof RetriableException)
                        && !(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                    last = e;
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
        throw new IllegalStateException("no " + what + " within " + timeout, last);
    }

    private static void inParallel(List<LocalKafkaBroker> brokers, Function<LocalKafkaBroker, LocalKafkaBroker> action) {
        List<CompletableFuture<LocalKafkaBroker>> running = brokers.stream()
                .map(b -> CompletableFuture.supplyAsync(() -> action.apply(b), runnable -> {
                    Thread t = new Thread(runnable, "local-kafka-node-" + b.nodeId());
                    t.setDaemon(true);
                    t.start();
                }))
                .toList();
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** A plaintext and a controller port per node, all different. */
    private static int[][] freePorts(int size) {
        List<ServerSocket> probes = new ArrayList<>();
        try {
            int[][] ports = new int[size][2];
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < 2; j++) {
                    ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                    probes.add(probe);
                    ports[i][j] = probe.getLocalPort();
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports for the cluster", e);
        } finally {
            probes.forEach(p -> {
                try {
                    p.close();
                } catch (IOException ignored) {
                    // only a probe
                }
            });
        }
    }

    @FunctionalInterface
    private interface AdminCall<T> {
        T apply(Admin admin) throws Exception;
    }

    @Override
    public String toString() {
        return "LocalKafkaCluster[" + nodes.size() + " nodes, dataDir=" + dataDir + "]";
    }

    /** The ids of the nodes, in order. */
    public List<Integer> nodeIds() {
        return nodes.stream().map(LocalKafkaBroker::nodeId).toList();
    }
}
