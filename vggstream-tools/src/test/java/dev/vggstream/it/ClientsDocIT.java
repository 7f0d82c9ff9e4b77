package dev.vggstream.it;

import dev.vggstream.config.AppConfig;
import dev.vggstream.event.EventHeaders;
import dev.vggstream.kafka.KafkaBrokerExtension;
import dev.vggstream.service.Health;
import dev.vggstream.service.VggService;
import dev.vggstream.topology.TestImages;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs every snippet of docs/clients.md verbatim, with Debian's python3 (confluent-kafka) and kcat, against a real
 * broker and a running processor: what they publish must come back as results, what they read must show them.
 * Skipped, saying why, where a client is not installed.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ClientsDocIT {

    private static final Path DOC = Path.of("docs", "clients.md");
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\S+) -->\\s*\\n```(\\w+)\\n(.*?)\\n```",
            Pattern.DOTALL);
    private static final String PYTHON = "/usr/bin/python3";
    private static final Duration SNIPPET_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** The fenced blocks marked {@code <!-- snippet: name -->}, by name, in document order. */
    static Map<String, String> snippets() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = SNIPPET.matcher(Files.readString(DOC, StandardCharsets.UTF_8));
        while (m.find()) {
            out.put(m.group(1), m.group(3));
        }
        return out;
    }

    @Test
    void theDocumentMarksEveryCodeBlockAsASnippetThatATestRuns() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        long fences = doc.lines().filter(l -> l.startsWith("```") && l.length() > 3).count();

        assertThat(snippets()).hasSize((int) fences).containsKeys("python-produce-raw", "python-produce-json",
                "python-produce-cloudevent", "python-camera-loop", "python-read-results", "python-read-dead-letters",
                "kcat-produce-raw", "kcat-produce-json", "kcat-produce-cloudevent", "kcat-read-results",
                "kcat-read-dead-letters");
    }

    @Test
    void thePythonSnippetsPublishImagesThatGetResultsAndReadThemBack() throws Exception {
        assumeTrue(run(List.of(PYTHON, "-c", "import confluent_kafka"), Map.of()).exit() == 0,
                PYTHON + " with confluent_kafka is not installed (Debian: python3-confluent-kafka)");
        Map<String, String> s = snippets();
        try (Processor p = new Processor("clients-py")) {
            for (String name : List.of("python-produce-raw", "python-produce-json", "python-produce-cloudevent",
                    "python-camera-loop")) {
                p.ok(List.of(PYTHON, "-c", s.get(name)), name);
            }
            List<String> ids = List.of("evt-41", "evt-42", "frame-1001", "cam-7-0", "cam-7-1", "cam-7-2");
            p.awaitResults(ids);
            String results = p.ok(List.of(PYTHON, "-c", s.get("python-read-results")), "python-read-results",
                    "COUNT", "6");
            assertThat(results.lines()).hasSize(6);
            assertThat(results).contains("evt-41 cam-7 ", "evt-42 cam-7 ", "frame-1001 /cameras/cam-7 ",
                    "cam-7-2 cam-7 ");
            p.sendBroken("broken-py");
            String dead = p.ok(List.of(PYTHON, "-c", s.get("python-read-dead-letters")), "python-read-dead-letters",
                    "COUNT", "1");
            assertThat(dead).contains("broken-py NOT_JSON_OR_IMAGE value is neither");
        }
    }

    @Test
    void theKcatSnippetsPublishImagesThatGetResultsAndReadThemBack() throws Exception {
        assumeTrue(run(List.of("kcat", "-V"), Map.of()).exit() == 0, "kcat is not installed (Debian: kcat)");
        Map<String, String> s = snippets();
        try (Processor p = new Processor("clients-kcat")) {
            for (String name : List.of("kcat-produce-raw", "kcat-produce-json", "kcat-produce-cloudevent")) {
                p.ok(List.of("bash", "-euo", "pipefail", "-c", s.get(name)), name);
            }
            List<String> ids = List.of("evt-51", "evt-52", "frame-2001");
            p.awaitResults(ids);
            String results = p.ok(List.of("bash", "-c", s.get("kcat-read-results")), "kcat-read-results");
            assertThat(results.lines()).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("cam-7 {\"id\":"));
            assertThat(results).contains("\"id\":\"evt-51\"", "\"id\":\"evt-52\"", "\"id\":\"frame-2001\"",
                    "\"source\":\"/cameras/cam-7\"");
            p.sendBroken("broken-kcat");
            p.awaitDeadLetter();
            String dead = p.ok(List.of("bash", "-c", s.get("kcat-read-dead-letters")), "kcat-read-dead-letters");
            assertThat(dead).contains("vggstream.id=broken-kcat", "vggstream.error.reason=NOT_JSON_OR_IMAGE");
        }
    }

    /** A processor on topics of its own, and the environment the snippets read. */
    private final class Processor implements AutoCloseable {
        private final StreamFixtures.Names names;
        private final VggService service;
        private final Map<String, String> env = new HashMap<>();

        Processor(String prefix) throws Exception {
            String bootstrap = KafkaBrokerExtension.bootstrapServers();
            names = StreamFixtures.Names.unique(prefix);
            Path cfg = StreamFixtures.config(dir, bootstrap, names, StreamFixtures.tinyModel(dir, 5),
                    Map.of("batch.max-wait-ms", "20", "topics.partitions", "1"));
            service = VggService.start(AppConfig.load(cfg, Map.of()), new Health(), VggService.Listeners.none());
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            Path image = dir.resolve("cat.jpg");
            Files.write(image, TestImages.solid(120, 48, "jpg"));
            Path frames = Files.createDirectories(dir.resolve("frames"));
            for (int i = 0; i < 2; i++) {
                Files.write(frames.resolve("frame-" + i + ".jpg"), TestImages.solid(40 + 80 * i, 40, "jpg"));
            }
            env.putAll(Map.of("BOOTSTRAP", bootstrap, "TOPIC", names.input(), "RESULTS", names.output(),
                    "DLQ", names.dlq(), "IMAGE", image.toString(), "FRAMES", frames.toString(), "MAX_FRAMES", "3",
                    "FPS", "20", "GROUP", "doc-" + UUID.randomUUID()));
        }

        /** Runs a snippet; it must exit 0 within the timeout. Returns its standard output. */
        String ok(List<String> command, String name, String... extraEnv) throws Exception {
            Map<String, String> e = new HashMap<>(env);
            for (int i = 0; i < extraEnv.length; i += 2) {
                e.put(extraEnv[i], extraEnv[i + 1]);
            }
            Run r = run(command, e);
            assertThat(r.exit()).as("snippet %s exit status; output:%n%s", name, r.output()).isZero();
            return r.output();
        }

        void awaitResults(List<String> ids) {
            try (KafkaConsumer<byte[], byte[]> c = StreamFixtures.consumer(env.get("BOOTSTRAP"), names.output(),
                    true)) {
                Results r = new Results().readUntilAll(c, ids, Duration.ofSeconds(60));
                assertThat(r.lost(ids)).as("results for the snippets' images").isEmpty();
            }
        }

        void sendBroken(String id) throws Exception {
            try (KafkaProducer<byte[], byte[]> p = StreamFixtures.producer(env.get("BOOTSTRAP"))) {
                p.send(StreamFixtures.rawEvent(names.input(), id, "cam-9",
                        "not an image".getBytes(StandardCharsets.UTF_8))).get();
            }
        }

        void awaitDeadLetter() {
            try (KafkaConsumer<byte[], byte[]> c = StreamFixtures.consumer(env.get("BOOTSTRAP"), names.dlq(), true)) {
                assertThat(StreamFixtures.collect(c, l -> !l.isEmpty(), Duration.ofSeconds(60)))
                        .as("the broken record's dead letter").isNotEmpty()
                        .allSatisfy(r -> assertThat(EventHeaders.text(r.headers(), EventHeaders.ERROR_REASON))
                                .isNotNull());
            }
        }

        @Override
        public void close() {
            service.close();
        }
    }

    private record Run(int exit, String output) {
    }

    /** Runs {@code command} with {@code env} added, stderr folded into the output; -1 if it ran out of time. */
    private static Run run(List<String> command, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile("snippet", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                return new Run(127, e.getMessage());
            }
            boolean done = p.waitFor(SNIPPET_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            return new Run(done ? p.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
