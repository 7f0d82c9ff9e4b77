package dev.vggstream.it;

import dev.vggstream.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kill loop: images stream in while the processor is SIGKILLed at random moments and restarted, again and again.
 * No id may be lost; under exactly_once_v2 a read_committed consumer sees no duplicate; under at-least-once the
 * duplicates are counted and reported. Recovery (kill to RUNNING again, kill to the next result) is measured.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KillLoopIT {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void model() throws Exception {
        model = StreamFixtures.tinyModel(dir, 3);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
    void noImageIsLostWhenTheProcessorIsKilledFiveTimesMidStream(String guarantee) throws Exception {
        Report r = killLoop(guarantee, 2000, 100, 5, 11);
        System.out.println(r);
        assertThat(r.lost()).as("lost ids").isEmpty();
        if (guarantee.equals("exactly_once_v2")) {
            assertThat(r.duplicates()).as("duplicates under exactly-once").isZero();
        }
        assertThat(r.kills()).isGreaterThanOrEqualTo(5);
    }

    /** The long variant: mvn verify -Dit.test=KillLoopIT -Dgroups=soak -Dtest.excludedGroups= */
    @Test
    @Tag("soak")
    void noImageIsLostOverALongKillLoop() throws Exception {
        int events = Integer.getInteger("vggstream.soak.events", 20_000);
        int kills = Integer.getInteger("vggstream.soak.kills", 20);
        for (String g : List.of("at_least_once", "exactly_once_v2")) {
            Report r = killLoop(g, events, 200, kills, 99);
            System.out.println(r);
            assertThat(r.lost()).isEmpty();
            if (g.equals("exactly_once_v2")) {
                assertThat(r.duplicates()).isZero();
            }
        }
    }

    record Report(String guarantee, int events, int kills, List<String> lost, int duplicates,
                  List<Long> killToRunningMs, List<Long> killToResultMs) {
        @Override
        public String toString() {
            return String.format("kill loop %s: %d events, %d kills, %d lost, %d duplicates; kill->RUNNING ms %s; "
                            + "kill->next result ms %s", guarantee, events, kills, lost.size(), duplicates,
                    killToRunningMs, killToResultMs);
        }
    }

    static Report killLoop(String guarantee, int events, double perSecond, int kills, long seed) throws Exception {
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("loop");
        // static membership: the restarted instance takes its old place at once instead of waiting for the dead
        // member's session to expire
        Path cfg = StreamFixtures.config(dir, bootstrap, names, model, Map.of("kafka.processing.guarantee", guarantee,
                "batch.max-size", "16", "batch.max-wait-ms", "20", "kafka.group.instance.id", names.app() + "-a",
                "image.decode-threads", "2"));
        Random random = new Random(seed);
        Results results = new Results();
        List<Long> toRunning = new ArrayList<>();
        List<Long> toResult = new ArrayList<>();
        int done = 0;
        ProcessorProcess p = ProcessorProcess.start(cfg, Map.of());
        p.awaitRunning(Duration.ofSeconds(120)); // it has created the topics
        assertThat(p.output()).as("frames are decoded in the pool (image.decode-threads=2)").contains("decode pool of");
        try (KafkaConsumer<byte[], byte[]> out = StreamFixtures.consumer(bootstrap, names.output(), true)) {
            try (PacedProducer producer = new PacedProducer(bootstrap, names.input(), "e", events, perSecond, 8)) {
                while (done < kills) {
                    // let it work for a random moment, reading results meanwhile
                    results.readFor(out, Duration.ofMillis(500 + random.nextInt(2500)));
                    p.kill();
                    long killed = System.nanoTime();
                    done++;
                    int before = results.size();
                    p = ProcessorProcess.start(cfg, Map.of());
                    p.awaitRunning(Duration.ofSeconds(120));
                    toRunning.add((System.nanoTime() - killed) / 1_000_000);
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (results.size() == before && System.nanoTime() < deadline
                            && results.distinct() < producer.sentSoFar()) {
                        out.poll(Duration.ofMillis(20)).forEach(results::add);
                    }
                    if (results.size() > before) {
                        toResult.add((System.nanoTime() - killed) / 1_000_000);
                    }
                }
                List<String> sent = producer.finish(600_000);
                results.readUntilAll(out, sent, Duration.ofSeconds(120));
                if (guarantee.equals("exactly_once_v2")) {
                    results.readFor(out, Duration.ofSeconds(2));
                }
                return new Report(guarantee, sent.size(), done, List.copyOf(results.lost(sent)),
                        results.duplicates(), toRunning, toResult);
            }
        } finally {
            p.close();
        }
    }
}
