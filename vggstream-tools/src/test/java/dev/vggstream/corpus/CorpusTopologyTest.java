package dev.vggstream.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.batch.BatchDispatcher;
import dev.vggstream.batch.BatchListener;
import dev.vggstream.batch.BatchSettings;
import dev.vggstream.batch.FakeClassifier;
import dev.vggstream.batch.ModelSource;
import dev.vggstream.config.AppConfig;
import dev.vggstream.event.EventHeaders;
import dev.vggstream.event.EventParser;
import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.BatchClassifier;
import dev.vggstream.inference.Classifier;
import dev.vggstream.inference.ModelInfo;
import dev.vggstream.it.StreamFixtures;
import dev.vggstream.service.Settings;
import dev.vggstream.topology.OutcomeListener;
import dev.vggstream.topology.ProcessorSettings;
import dev.vggstream.topology.Topics;
import dev.vggstream.topology.VggTopology;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole corpus through the topology (TopologyTestDriver, the service's image and event limits), each case
 * between two good images: every bad record is exactly one dead letter with its reason, stage and message; every
 * unusual-but-valid one and every good neighbour exactly one result; nothing else. Once with a stand-in model that
 * reports the first pixel's red (which shows the EXIF orientation was applied), once with a real tiny VGG so
 * decoding, preprocessing and TensorFlow inference are all real.
 */
class CorpusTopologyTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final AppConfig CONFIG = CorpusFiles.config(Corpus.CONFIG);
    static final ImageLimits LIMITS = Settings.imageLimits(CONFIG);

    @TempDir
    static Path dir;
    static Classifier tinyVgg;

    @BeforeAll
    static void setUp() throws Exception {
        // reader classes and natives load once per JVM, inside whichever decode comes first: not an image's cost
        ImageDecoder warm = new ImageDecoder(LIMITS);
        for (JsonNode f : CorpusFiles.entries("valid")) {
            warm.decode(CorpusFiles.bytes("valid", f.get("file").asText()));
        }
        tinyVgg = Classifier.load(StreamFixtures.tinyModel(dir, 5));
    }

    @AfterAll
    static void tearDown() {
        if (tinyVgg != null) {
            tinyVgg.close();
        }
    }

    @Test
    void everyCaseBecomesItsOneOutcomeAndTheGoodImagesAroundItAreClassifiedByAStandInModel() throws Exception {
        FakeClassifier model = new FakeClassifier(8);
        Run run = run(model, new ImagePipeline(LIMITS, 8, 8, Preprocessing.NONE));
        List<String> problems = Outcomes.check(run.sent, run.results, run.deadLetters, true);
        assertThat(problems).isEmpty();
        Outcomes.printTable(run.sent, run.deadLetters);
    }

    @Test
    void everyCaseBecomesItsOneOutcomeWithARealTinyVggDoingThePreprocessingAndInference() throws Exception {
        ModelInfo info = tinyVgg.info();
        assertThat(info.preprocessing()).isEqualTo(Preprocessing.TORCH);
        Run run = run(tinyVgg, new ImagePipeline(LIMITS, info.height(), info.width(), info.preprocessing()));
        List<String> problems = Outcomes.check(run.sent, run.results, run.deadLetters, false);
        assertThat(problems).isEmpty();
        for (Outcomes.Result r : run.results) {
            JsonNode top = r.json().get("top");
            assertThat(top).hasSize(3);
            double previous = 1;
            for (JsonNode p : top) {
                double prob = p.get("probability").asDouble();
                assertThat(prob).isBetween(0.0, previous);
                assertThat(p.get("label").asText()).isNotBlank();
                previous = prob;
            }
            assertThat(r.json().get("model").get("name").asText()).isEqualTo(info.name());
        }
    }

    @Test
    void theCheckReportsEveryCaseWithoutItsOutcomeAndEveryOutcomeOfTheWrongKind() throws Exception {
        List<Corpus.Case> sent = List.of(Corpus.good(0, 50), Corpus.cases().get(0));
        assertThat(Outcomes.check(sent, List.of(), List.of(), true)).hasSize(2);
        Headers h = new RecordHeaders();
        h.add(EventHeaders.SOURCE_PARTITION, "0".getBytes(StandardCharsets.UTF_8));
        h.add(EventHeaders.SOURCE_OFFSET, "0".getBytes(StandardCharsets.UTF_8));
        JsonNode result = JSON.readTree("{\"id\":\"good-0\",\"source\":\"cam-good\",\"top\":[{\"label\":\"first\","
                + "\"probability\":50}],\"input\":{\"partition\":0,\"offset\":1}}");
        assertThat(Outcomes.check(sent, List.of(new Outcomes.Result(sent.get(0).key(), result)),
                List.of(new Outcomes.DeadLetter(sent.get(0).key(), sent.get(0).value(), h)), true))
                .anySatisfy(p -> assertThat(p).contains("dead-lettered"))
                .anySatisfy(p -> assertThat(p).contains("id \"good-0\", expected valid/"));
    }

    record Run(List<Corpus.Case> sent, List<Outcomes.Result> results, List<Outcomes.DeadLetter> deadLetters) {
    }

    static Run run(BatchClassifier model, ImagePipeline pipeline) throws Exception {
        List<Corpus.Case> sent = Corpus.interleaved();
        BatchDispatcher dispatcher = BatchDispatcher.inline(ModelSource.of(model, pipeline), BatchSettings.of(4, 20),
                BatchListener.NONE, System::currentTimeMillis);
        ProcessorSettings settings = new ProcessorSettings(dispatcher,
                new EventParser(Settings.eventLimits(CONFIG)), 3, 5, OutcomeListener.NONE);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "corpus");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (dispatcher; TopologyTestDriver driver = new TopologyTestDriver(
                VggTopology.build(Topics.defaults(), settings, Map.of()), props, Instant.parse("2026-11-27T20:00:00Z"))) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("images", new ByteArraySerializer(),
                    new ByteArraySerializer());
            for (Corpus.Case c : sent) {
                Headers h = new RecordHeaders();
                c.headers().forEach(h::add);
                in.pipeInput(new TestRecord<>(c.key(), c.value(), h, Instant.parse("2026-11-27T19:59:00Z")));
            }
            for (int i = 0; i < 3; i++) {
                driver.advanceWallClockTime(Duration.ofMillis(50)); // partial batches wait at most 20 ms
            }
            TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic("classifications",
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic("images.dlq", new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            List<Outcomes.Result> results = new ArrayList<>();
            for (TestRecord<byte[], byte[]> r : out.readRecordsToList()) {
                results.add(new Outcomes.Result(r.key(), JSON.readTree(r.value())));
            }
            List<Outcomes.DeadLetter> dead = new ArrayList<>();
            for (TestRecord<byte[], byte[]> r : dlq.readRecordsToList()) {
                dead.add(new Outcomes.DeadLetter(r.key(), r.value(), r.headers()));
            }
            // the input offset of each case is its index: one partition
            return new Run(sent, results, dead);
        }
    }

    /** Checks of outcomes against cases, shared with the integration test. */
    static final class Outcomes {

        record Result(byte[] key, JsonNode json) {
            int partition() {
                return json.get("input").get("partition").asInt();
            }

            long offset() {
                return json.get("input").get("offset").asLong();
            }
        }

        record DeadLetter(byte[] key, byte[] value, Headers headers) {
            String header(String name) {
                var h = headers.lastHeader(name);
                return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
            }

            int partition() {
                return Integer.parseInt(header(EventHeaders.SOURCE_PARTITION));
            }

            long offset() {
                return Long.parseLong(header(EventHeaders.SOURCE_OFFSET));
            }
        }

        /** Where each case was written: partition and offset. */
        record Position(int partition, long offset) {
        }

        /** TopologyTestDriver: one partition, offsets in order. */
        static List<String> check(List<Corpus.Case> sent, List<Result> results, List<DeadLetter> dead,
                                  boolean checkRed) {
            Map<Position, Corpus.Case> at = new HashMap<>();
            for (int i = 0; i < sent.size(); i++) {
                at.put(new Position(0, i), sent.get(i));
            }
            return check(at, "images", results, dead, checkRed);
        }

        /** Every problem found, one line each; empty when each case had exactly its outcome and nothing else. */
        static List<String> check(Map<Position, Corpus.Case> at, String topic, List<Result> results,
                                  List<DeadLetter> dead, boolean checkRed) {
            List<String> problems = new ArrayList<>();
            Map<Position, Integer> answers = new HashMap<>();
            for (Result r : results) {
                Position p = new Position(r.partition(), r.offset());
                answers.merge(p, 1, Integer::sum);
                Corpus.Case c = at.get(p);
                if (c == null) {
                    problems.add("result for no case at " + p);
                    continue;
                }
                if (!(c.expected() instanceof Corpus.Classified want)) {
                    problems.add(c.name() + ": classified, but should be a dead letter " + c.expected());
                    continue;
                }
                String id = want.id() != null ? want.id() : topic + "-" + p.partition() + "-" + p.offset();
                if (!r.json().get("id").asText().equals(id)) {
                    problems.add(c.name() + ": id " + r.json().get("id") + ", expected " + id);
                }
                JsonNode source = r.json().get("source");
                if (want.source() == null ? !source.isNull() : !want.source().equals(source.asText())) {
                    problems.add(c.name() + ": source " + source + ", expected " + want.source());
                }
                if (!Arrays.equals(r.key(), c.key())) {
                    problems.add(c.name() + ": result key differs from the input's");
                }
                if (checkRed && want.topLeftRed() >= 0) {
                    JsonNode top = r.json().get("top").get(0);
                    double red = top.get("probability").asDouble();
                    if (!top.get("label").asText().equals("first") || Math.abs(red - want.topLeftRed()) > 15) {
                        problems.add(c.name() + ": top-left red " + red + " (" + top + "), expected "
                                + want.topLeftRed() + " (is the EXIF orientation applied?)");
                    }
                }
            }
            for (DeadLetter d : dead) {
                Position p = new Position(d.partition(), d.offset());
                answers.merge(p, 1, Integer::sum);
                Corpus.Case c = at.get(p);
                if (c == null) {
                    problems.add("dead letter for no case at " + p);
                    continue;
                }
                if (!(c.expected() instanceof Corpus.DeadLettered want)) {
                    problems.add(c.name() + ": dead-lettered (" + d.header(EventHeaders.ERROR_REASON) + ", "
                            + d.header(EventHeaders.ERROR_MESSAGE) + ") but should be classified");
                    continue;
                }
                String got = d.header(EventHeaders.ERROR_CLASS) + "/" + d.header(EventHeaders.ERROR_REASON) + "/"
                        + d.header(EventHeaders.ERROR_STAGE);
                String expected = want.errorClass() + "/" + want.reason() + "/" + want.stage().id();
                String message = d.header(EventHeaders.ERROR_MESSAGE);
                if (!got.equals(expected) || message == null || !message.contains(want.message())) {
                    problems.add(c.name() + ": " + got + " '" + message + "', expected " + expected + " '"
                            + want.message() + "'");
                }
                if (!c.name().equals(d.header(Corpus.CASE_HEADER)) || !Arrays.equals(d.value(), c.value())
                        || !Arrays.equals(d.key(), c.key())) {
                    problems.add(c.name() + ": the dead letter does not carry the original key, value and headers");
                }
            }
            at.forEach((p, c) -> {
                int n = answers.getOrDefault(p, 0);
                if (n != 1) {
                    problems.add(c.name() + " at " + p + ": " + n + " outcomes, expected exactly one");
                }
            });
            return problems;
        }

        /** The closing table: case, then its outcome. */
        static void printTable(List<Corpus.Case> sent, List<DeadLetter> dead) {
            Map<String, DeadLetter> byCase = new HashMap<>();
            dead.forEach(d -> byCase.put(d.header(Corpus.CASE_HEADER), d));
            StringBuilder s = new StringBuilder("| case | outcome | stage | message |\n|---|---|---|---|\n");
            for (Corpus.Case c : sent) {
                if (c.name().startsWith("good-")) {
                    continue;
                }
                DeadLetter d = byCase.get(c.name());
                if (d == null) {
                    s.append("| ").append(c.name()).append(" | classified | | |\n");
                } else {
                    String m = d.header(EventHeaders.ERROR_MESSAGE);
                    s.append("| ").append(c.name()).append(" | ").append(d.header(EventHeaders.ERROR_REASON))
                            .append(" | ").append(d.header(EventHeaders.ERROR_STAGE)).append(" | ")
                            .append(m.length() > 110 ? m.substring(0, 110) + "..." : m).append(" |\n");
                }
            }
            System.out.println(s);
        }
    }
}
