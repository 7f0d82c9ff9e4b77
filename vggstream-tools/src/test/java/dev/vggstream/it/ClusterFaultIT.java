package dev.vggstream.it;

import dev.vggstream.kafka.KafkaClusterExtension;
import dev.vggstream.kafka.LocalKafkaCluster;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Brokers of a three-node cluster die, hang and restart while a paced stream of images flows through 8 partitions;
 * an independent read_committed consumer counts the results. Expected always: nothing lost, the processor never
 * exits by itself, nothing dead-lettered; under exactly_once_v2 no duplicate. Measured: the longest gap in results
 * and, per fault, the time from its end to the next result.
 *
 * <p>By default only one stream runs (exactly_once_v2; an input leader killed, then a rolling restart). Every fault
 * under both guarantees, and 20 random faults over 20,000 images, are tagged soak:
 * {@code mvn verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ClusterFaultIT -Dtest.excludedGroups= -Dgroups=soak}
 */
@ExtendWith(KafkaClusterExtension.class)
class ClusterFaultIT {

    private static final Duration OUTAGE = Duration.ofSeconds(5);
    /** (d), (e), (f) and the whole cluster down last this long; -Dvggstream.soak.long-outage-s=75 for longer ones. */
    private static final Duration LONG_OUTAGE = Duration.ofSeconds(Long.getLong("vggstream.soak.long-outage-s", 30));
    private static final Duration HEAL = Duration.ofSeconds(120);
    private static final Duration KAFKA_UNAVAILABLE = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void model() throws Exception {
        model = StreamFixtures.tinyModel(dir, 3);
    }

    @AfterEach
    void heal() {
        KafkaClusterExtension.heal();
    }

    @Test
    void anInputLeaderKilledThenARollingRestartLoseNothingAndDuplicateNothingUnderExactlyOnce() throws Exception {
        Report r = stream("exactly_once_v2", 2_000, 40, List.of(ClusterFault.INPUT_LEADER_KILLED,
                ClusterFault.ROLLING_RESTART));
        r.assertGuarantees();
    }

    /**
     * All of (a)-(f), and all nodes down, under both guarantees; -Dvggstream.soak.faults=TWO_BROKERS_DOWN,... and
     * -Dvggstream.soak.guarantees pick some.
     */
    static Stream<Arguments> everyFaultUnderBothGuarantees() {
        List<String> faults = List.of(System.getProperty("vggstream.soak.faults", "").split(","));
        return ClusterFault.soakFaults().stream()
                .filter(f -> faults.contains("") || faults.contains(f.name()))
                .flatMap(f -> guarantees("at_least_once,exactly_once_v2").stream().map(g -> Arguments.of(f, g)));
    }

    /** The guarantees a soak runs under: -Dvggstream.soak.guarantees, else these. */
    private static List<String> guarantees(String byDefault) {
        return List.of(System.getProperty("vggstream.soak.guarantees", byDefault).split(","));
    }

    @Tag("soak")
    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("everyFaultUnderBothGuarantees")
    void eachFaultLosesNothingAndTheProcessorNeverExits(ClusterFault fault, String guarantee) throws Exception {
        Report r = stream(guarantee, 2_000, 40, List.of(fault));
        r.assertGuarantees();
        if (fault.leavesKafkaUnusable() && LONG_OUTAGE.toMillis() > 2 * KAFKA_UNAVAILABLE.toMillis()) {
            assertThat(r.readyDown()).as("readiness went down during the outage; " + r).isPositive();
        }
    }

    @Tag("soak")
    @Test
    void twentyRandomFaultsOverTwentyThousandImagesLoseNothing() throws Exception {
        int faults = Integer.getInteger("vggstream.soak.fault-count", 20);
        int events = Integer.getInteger("vggstream.soak.events", 20_000);
        Random random = new Random(Long.getLong("vggstream.soak.seed", 14));
        List<ClusterFault> all = new ArrayList<>(ClusterFault.brokerFaults());
        all.add(ClusterFault.PROCESSOR_KILLED);
        List<ClusterFault> drawn = Stream.generate(() -> all.get(random.nextInt(all.size()))).limit(faults).toList();
        for (String guarantee : guarantees("exactly_once_v2,at_least_once")) {
            stream(guarantee, events, 40, drawn).assertGuarantees();
        }
    }

    /** One run: a processor, a paced stream at least {@code minEvents} long and lasting until the faults end. */
    private Report stream(String guarantee, int minEvents, double perSecond, List<ClusterFault> faults)
            throws Exception {
        LocalKafkaCluster cluster = KafkaClusterExtension.sharedCluster();
        String bootstrap = cluster.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("clu");
        int port = HealthProbe.freePort();
        Path cfg = StreamFixtures.config(dir, bootstrap, names, model, Map.of("kafka.processing.guarantee", guarantee,
                "topics.partitions", "8", "batch.max-size", "16", "batch.max-wait-ms", "20",
                // static membership: a restarted processor takes its old place at once
                "kafka.group.instance.id", names.app() + "-a",
                "http.enabled", "true", "http.port", Integer.toString(port),
                "health.kafka-unavailable-ms", Long.toString(KAFKA_UNAVAILABLE.toMillis())));
        Run run = new Run(cluster, names, cfg);
        run.processor = ProcessorProcess.start(cfg, Map.of());
        run.processor.awaitRunning(Duration.ofSeconds(180));
        List<Window> windows = new ArrayList<>();
        long begin = System.nanoTime();
        try (HealthProbe health = new HealthProbe(port).watch();
             ResultCounter counter = new ResultCounter(bootstrap, names.output());
             PacedProducer producer = new PacedProducer(bootstrap, names.input(), "c", Integer.MAX_VALUE, perSecond, 8)) {
            run.awaitFirstResults(counter);
            for (ClusterFault fault : faults) {
                run.awaitFullIsr();
                long start = System.nanoTime();
                String what = fault.apply(run);
                long end = System.nanoTime();
                windows.add(new Window(fault, what, start, end));
                run.checkAlive();
                awaitResultAfter(counter, end);
            }
            run.awaitFullIsr();
            await().atMost(Duration.ofMinutes(20)).until(() -> producer.sentSoFar() >= minEvents);
            producer.close();
            List<String> sent = producer.finish(60_000);
            counter.awaitAll(sent, Duration.ofMinutes(3));
            long end = System.nanoTime();
            if (guarantee.equals("exactly_once_v2")) {
                counter.awaitAll(List.of("never-sent"), Duration.ofSeconds(3)); // late duplicates would arrive now
            }
            run.checkAlive();
            Report r = new Report(guarantee, sent.size(), counter.lost(sent), counter.duplicates(),
                    deadLetters(bootstrap, names.dlq()), run.processorRestarts, run.exitedByItself,
                    run.threadsReplaced(), health.looks(), health.liveDown(), health.readyDown(),
                    counter.longestGapNanos(begin, end) / 1_000_000,
                    windows.stream().map(w -> w.describe(counter)).toList(), run.processor);
            r.record();
            return r;
        } finally {
            run.processor.close();
            keepLog(names, run.processorRestarts, run.processor);
        }
    }

    /**
     * Waits until a result arrives after a fault ended, so that the next fault starts on a processor that has
     * recovered and each window measures one fault (stop 20's random soak started faults back to back, and one
     * window's "fault end to next result" spanned the two faults after it). Not an assertion: a processor that never
     * answers again shows up as lost images, with the windows that say where.
     */
    private static void awaitResultAfter(ResultCounter counter, long faultEnd) {
        try {
            await().atMost(HEAL).until(() -> counter.firstArrivalAfter(faultEnd) >= 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.err.println("ClusterFaultIT: no result within " + HEAL + " of a fault's end; going on");
        }
    }

    /** The directory the test classes are in (target/): where the reports and the processors' logs go. */
    private static Path buildDir() throws java.net.URISyntaxException {
        return Path.of(ClusterFaultIT.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    }

    /**
     * A processor's whole log, kept under target/cluster-faults-logs/ (a passing run's gaps are explained there).
     * A log that cannot be written is reported, not thrown: this runs in a finally block, where an exception would
     * hide the test's own failure.
     */
    private static void keepLog(StreamFixtures.Names names, int restarts, ProcessorProcess p) {
        try {
            Path logs = Files.createDirectories(buildDir().resolve("cluster-faults-logs"));
            Files.writeString(logs.resolve(names.app() + "-" + restarts + ".log"), p.output(), StandardCharsets.UTF_8);
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            System.err.println("ClusterFaultIT: cannot keep the processor's log of " + names.app() + ": " + e);
        }
    }

    private static int deadLetters(String bootstrap, String dlq) {
        try (KafkaConsumer<byte[], byte[]> c = StreamFixtures.consumer(bootstrap, dlq, false)) {
            return StreamFixtures.collect(c, r -> false, Duration.ofSeconds(3)).size();
        }
    }

    private record Window(ClusterFault fault, String what, long start, long end) {
        String describe(ResultCounter counter) {
            long next = counter.firstArrivalAfter(end);
            return String.format("%s (%s): fault %d ms, longest gap in it %d ms, fault end -> next result %s",
                    fault, what, (end - start) / 1_000_000, counter.longestGapNanos(start, end) / 1_000_000,
                    next < 0 ? "none" : (next - end) / 1_000_000 + " ms");
        }
    }

    private record Report(String guarantee, int events, List<String> lost, int duplicates, int deadLetters,
                          int processorRestarts, boolean exitedByItself, int threadsReplaced, int healthLooks,
                          int liveDown,
                          int readyDown, long longestGapMs, List<String> faults,
                          ProcessorProcess processor) {

        void assertGuarantees() {
            assertThat(exitedByItself).as("the processor exited by itself:\n" + processor.output()).isFalse();
            assertThat(lost).as("lost ids; " + this + "\nthe processor's warnings and errors:\n" + warnings())
                    .isEmpty();
            assertThat(deadLetters).as("dead letters; " + this).isZero();
            assertThat(liveDown).as("liveness answered down; " + this).isZero();
            if (guarantee.equals("exactly_once_v2")) {
                assertThat(duplicates).as("duplicates under exactly-once; " + this).isZero();
            }
        }

        /** What the processor logged at WARN or ERROR, for a failure message (its log dies with the test). */
        private String warnings() {
            return processor.output().lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")
                    || l.startsWith("Caused by")).map(l -> l.length() > 300 ? l.substring(0, 300) : l)
                    .collect(java.util.stream.Collectors.joining("\n"));
        }

        /** Printed and kept in the module's build directory (tests run from the repository root) for README. */
        void record() throws IOException, java.net.URISyntaxException {
            System.out.println(this);
            Files.writeString(buildDir().resolve("cluster-faults.txt"), this + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }

        @Override
        public String toString() {
            return String.format("cluster faults under %s: %d images, %d lost, %d duplicates, %d dead letters, "
                            + "%d processor restarts (by the test), %d stream threads replaced, longest gap in results "
                            + "%d ms, health looked at %d times: liveness down %d, readiness down %d%n  %s", guarantee,
                    events, lost.size(), duplicates, deadLetters, processorRestarts, threadsReplaced, longestGapMs,
                    healthLooks,
                    liveDown, readyDown,
                    String.join("\n  ", faults));
        }
    }

    /** What the faults act on; the processor is replaced when a fault kills it. */
    private static final class Run implements ClusterFault.ClusterRun {
        private final LocalKafkaCluster cluster;
        private final StreamFixtures.Names names;
        private final Path cfg;
        ProcessorProcess processor;
        int processorRestarts;
        int replacedBefore;
        boolean exitedByItself;

        Run(LocalKafkaCluster cluster, StreamFixtures.Names names, Path cfg) {
            this.cluster = cluster;
            this.names = names;
            this.cfg = cfg;
        }

        @Override
        public LocalKafkaCluster cluster() {
            return cluster;
        }

        @Override
        public StreamFixtures.Names names() {
            return names;
        }

        @Override
        public Duration outage() {
            return OUTAGE;
        }

        @Override
        public Duration longOutage() {
            return LONG_OUTAGE;
        }

        @Override
        public void awaitFullIsr() {
            cluster.awaitFullIsr(List.of(names.input(), names.output(), names.dlq()), HEAL);
        }

        @Override
        public void restartProcessor() {
            try {
                checkAlive();
                processor.kill();
                keepLog(names, processorRestarts, processor);
                replacedBefore += replaced(processor);
                processorRestarts++;
                processor = ProcessorProcess.start(cfg, Map.of());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot restart the processor", e);
            }
        }

        /** Stream threads the processors of this run replaced after an uncaught exception (VggService logs each). */
        int threadsReplaced() {
            return replacedBefore + replaced(processor);
        }

        private static int replaced(ProcessorProcess p) {
            return (int) p.output().lines().filter(l -> l.contains("a stream thread failed; replacing it")).count();
        }

        void checkAlive() {
            exitedByItself |= !processor.isAlive();
        }

        void awaitFirstResults(ResultCounter counter) {
            await().atMost(Duration.ofSeconds(120)).until(() -> counter.distinct() > 0);
        }
    }
}
