package dev.vggstream.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.batch.BatchDispatcher;
import dev.vggstream.batch.BatchListener;
import dev.vggstream.batch.BatchSettings;
import dev.vggstream.batch.FakeClassifier;
import dev.vggstream.batch.ModelSource;
import dev.vggstream.event.EventHeaders;
import dev.vggstream.event.EventParser;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.topology.OutcomeListener;
import dev.vggstream.topology.ProcessorSettings;
import dev.vggstream.topology.TestImages;
import dev.vggstream.topology.Topics;
import dev.vggstream.topology.VggTopology;
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
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event payloads are data only. Hostile events go through the real topology (JSON and raw parsing, ImageIO and
 * TwelveMonkeys decoding, the classify processor, dead-lettering) with a stand-in model, while JDK Flight Recorder
 * records every file read, socket read and write and class load of this JVM and a loopback server socket records
 * every connection: fields and metadata that name files, URLs, {@code jar:} URLs, classes ({@code @class},
 * {@code @type}, {@code $ref}), serialized objects and XML external entities cause none of those, and every event
 * becomes exactly one result or one dead letter.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayloadsAreDataOnlyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CASE = "test.case";
    private static final String PASSWD = "/etc/passwd";
    /** By name only: a class literal would load it. */
    private static final String CANARY_CLASS = "dev.vggstream.security.PayloadCanary";

    /** What an event must become: a result, or a dead letter with this reason. */
    private record Expect(String reason) {
        static final Expect RESULT = new Expect(null);

        static Expect dead(String reason) {
            return new Expect(reason);
        }

        boolean result() {
            return reason == null;
        }
    }

    private record Case(String name, byte[] key, byte[] value, Map<String, String> headers, Expect expect) {
    }

    @TempDir
    static Path dir;

    private ConnectionTrap trap;
    private Path canaryFile;
    private Path canaryJar;
    private final List<Case> cases = new ArrayList<>();
    private IoRecording.Observed observed;
    private List<Integer> connections;
    private int tripsBefore;
    /** Input offset to what came out for it. */
    private final Map<Long, List<TestRecord<byte[], byte[]>>> results = new LinkedHashMap<>();
    private final Map<Long, List<TestRecord<byte[], byte[]>>> deadLetters = new LinkedHashMap<>();

    @BeforeAll
    void runHostileEventsThroughTheTopology() throws Exception {
        trap = new ConnectionTrap();
        canaryFile = Files.writeString(dir.resolve("canary-secret.txt"), "canary: nobody may read this file\n");
        canaryJar = writeCanaryJar(dir.resolve("canary.jar"));
        buildCases();
        byte[] serialized = serialize(new SerializedCanary("never deserialized"));
        tripsBefore = CanaryTrips.TRIPS.get();

        FakeClassifier model = new FakeClassifier(8);
        ImagePipeline pipeline = new ImagePipeline(ImageLimits.DEFAULT, 8, 8, Preprocessing.NONE);
        try (BatchDispatcher dispatcher = BatchDispatcher.inline(ModelSource.of(model, pipeline),
                BatchSettings.of(1, 60_000), BatchListener.NONE, System::currentTimeMillis);
             TopologyTestDriver driver = driver(dispatcher)) {
            TestInputTopic<byte[], byte[]> images = driver.createInputTopic("images", new ByteArraySerializer(),
                    new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic("classifications",
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic("images.dlq", new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());

            // Benign images of every decoder path first, so the classes they need are loaded before recording.
            List<Case> warmUp = List.of(
                    raw("warm-up png", TestImages.png(1), Expect.RESULT),
                    raw("warm-up jpeg", TestImages.solid(2, 16, "jpg"), Expect.RESULT),
                    raw("warm-up cmyk", resourceCmyk(), Expect.RESULT),
                    json("warm-up json", "{\"id\":\"warm\",\"data\":\"" + b64(TestImages.png(3)) + "\"}",
                            Expect.RESULT),
                    raw("warm-up garbage", "nothing".getBytes(StandardCharsets.UTF_8),
                            Expect.dead("NOT_JSON_OR_IMAGE")));
            warmUp.forEach(c -> pipe(images, c));
            long warmUpOffsets = warmUp.size();
            out.readRecordsToList();
            dlq.readRecordsToList();

            cases.add(json("json: data is a Java-serialized object", "{\"data\":\"" + b64(serialized) + "\"}",
                    Expect.dead("NOT_AN_IMAGE")));
            cases.add(raw("raw: value is a Java-serialized object", serialized, Expect.dead("NOT_JSON_OR_IMAGE")));

            try (IoRecording recording = new IoRecording(dir.resolve("io.jfr"))) {
                cases.forEach(c -> pipe(images, c));
                observed = recording.stop();
            }
            for (TestRecord<byte[], byte[]> r : out.readRecordsToList()) {
                long offset = JSON.readTree(r.value()).get("input").get("offset").asLong() - warmUpOffsets;
                results.computeIfAbsent(offset, k -> new ArrayList<>()).add(r);
            }
            for (TestRecord<byte[], byte[]> r : dlq.readRecordsToList()) {
                long offset = Long.parseLong(header(r, EventHeaders.SOURCE_OFFSET)) - warmUpOffsets;
                deadLetters.computeIfAbsent(offset, k -> new ArrayList<>()).add(r);
            }
        }
        connections = trap.connectionsSoFar();
        System.out.printf("%d hostile events: %d results, %d dead letters; while they ran: %d file reads (%s),"
                        + " %d socket reads/writes, %d classes loaded, %d connections to the trap%n", cases.size(),
                results.size(), deadLetters.size(), observed.fileReads().size(),
                observed.fileReads().stream().distinct().collect(Collectors.joining(", ")),
                observed.socketIo().size(), observed.classesLoaded().size(), connections.size());
    }

    @AfterAll
    void closeTrap() throws Exception {
        if (trap != null) {
            trap.close();
        }
    }

    // ---- the assertions -----------------------------------------------------------------------------------------

    @Test
    void no_hostile_event_makes_the_processor_open_a_network_connection() {
        assertThat(connections).as("connections to the trap at " + trap.url("")).isEmpty();
        assertThat(observed.socketIo()).as("socket reads and writes of this JVM while the events were processed")
                .isEmpty();
    }

    @Test
    void no_hostile_event_makes_the_processor_read_a_file_other_than_its_own_classes() {
        List<String> unexpected = observed.fileReads().stream()
                .filter(path -> !isClassLoading(path))
                .distinct()
                .collect(Collectors.toList());
        assertThat(unexpected).as("files read while the events were processed, other than the JDK's and the"
                + " classpath's (class loading)").isEmpty();
        assertThat(observed.fileReads()).as("the files the payloads name")
                .noneMatch(path -> path.contains("passwd") || path.contains("canary"));
    }

    @Test
    void no_hostile_event_makes_the_processor_load_or_initialise_a_class_it_names_or_deserialize_an_object() {
        assertThat(observed.classesLoaded()).as("classes loaded while the events were processed")
                .noneMatch(name -> name.contains("Canary"))
                .noneMatch(name -> name.equals("java.net.URLClassLoader") || name.startsWith("javax.xml.")
                        || name.startsWith("com.sun.org.apache.xerces") || name.startsWith("java.io.ObjectInputStream"));
        assertThat(CanaryTrips.TRIPS.get()).as("canary static initialisers and readObject calls that ran")
                .isEqualTo(tripsBefore);
    }

    @Test
    void every_hostile_event_becomes_exactly_one_result_or_one_dead_letter_with_the_expected_reason() {
        assertThat(cases).hasSizeGreaterThan(20);
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            List<TestRecord<byte[], byte[]>> res = results.getOrDefault((long) i, List.of());
            List<TestRecord<byte[], byte[]>> dead = deadLetters.getOrDefault((long) i, List.of());
            String describe = c.name() + ": results " + res.size() + ", dead letters " + dead.stream()
                    .map(d -> header(d, EventHeaders.ERROR_REASON) + " (" + header(d, EventHeaders.ERROR_MESSAGE)
                            + ")").collect(Collectors.toList());
            assertThat(res.size() + dead.size()).as(describe).isEqualTo(1);
            if (c.expect().result()) {
                assertThat(res).as(describe).hasSize(1);
            } else {
                assertThat(dead).as(describe).hasSize(1);
                assertThat(header(dead.get(0), EventHeaders.ERROR_REASON)).as(describe).isEqualTo(c.expect().reason());
                assertThat(header(dead.get(0), CASE)).as("the dead letter keeps the original headers")
                        .isEqualTo(c.name());
                assertThat(dead.get(0).value()).as("the dead letter keeps the original value").isEqualTo(c.value());
            }
        }
        assertThat(results.keySet()).allMatch(offset -> offset >= 0 && offset < cases.size());
        assertThat(deadLetters.keySet()).allMatch(offset -> offset >= 0 && offset < cases.size());
    }

    @Test
    void urls_paths_and_class_names_in_event_fields_come_out_as_the_same_plain_text() throws Exception {
        JsonNode fileUrl = resultOf("json: id and source are file URLs");
        assertThat(fileUrl.get("id").asText()).isEqualTo("file://" + PASSWD);
        assertThat(fileUrl.get("source").asText()).isEqualTo(canaryFile.toUri().toString());

        JsonNode httpUrl = resultOf("json: id and source are URLs of the trap");
        assertThat(httpUrl.get("id").asText()).isEqualTo(trap.url("id"));
        assertThat(httpUrl.get("source").asText()).isEqualTo("jar:" + trap.url("x.jar") + "!/PayloadCanary.class");

        JsonNode raw = resultOf("raw: id and source headers are URLs");
        assertThat(raw.get("id").asText()).isEqualTo("jar:" + canaryJar.toUri() + "!/PayloadCanary.class");
        assertThat(raw.get("source").asText()).isEqualTo(trap.url("header-source"));

        assertThat(resultOf("json: @class, @type and $ref beside the data").get("id").asText())
                .isEqualTo(CANARY_CLASS);
    }

    /** The control: without it, "nothing seen" could mean "cannot see". */
    @Test
    void the_recorders_do_see_a_file_read_a_connection_and_a_class_load_when_one_happens() throws Exception {
        Path probeFile = Files.writeString(dir.resolve("probe.txt"), "probe");
        IoRecording.Observed seen;
        List<Integer> probeConnections;
        try (ConnectionTrap probeTrap = new ConnectionTrap();
             IoRecording recording = new IoRecording(dir.resolve("control.jfr"))) {
            try (var in = Files.newInputStream(probeFile)) {
                assertThat(in.readAllBytes()).hasSize(5);
            }
            try (var in = new java.net.URL(probeTrap.url("probe")).openStream()) {
                in.readAllBytes();
            } catch (IOException closedByTheTrap) {
                // the trap hangs up without answering
            }
            Class.forName("dev.vggstream.security.RecorderProbe");
            seen = recording.stop();
            probeConnections = probeTrap.connectionsSoFar();
        }
        assertThat(seen.fileReads()).contains(probeFile.toString());
        assertThat(seen.socketIo()).anyMatch(s -> s.startsWith("jdk.SocketWrite") && s.contains("127.0.0.1"));
        assertThat(seen.classesLoaded()).contains("dev.vggstream.security.RecorderProbe");
        assertThat(probeConnections).as("HttpURLConnection tries twice when the server hangs up").isNotEmpty();
    }

    // ---- the events -----------------------------------------------------------------------------------------------

    private void buildCases() {
        String passwdUrl = "file://" + PASSWD;
        String canaryUrl = canaryFile.toUri().toString();
        String jarUrl = "jar:" + canaryJar.toUri() + "!/PayloadCanary.class";
        String remoteJarUrl = "jar:" + trap.url("x.jar") + "!/PayloadCanary.class";
        String png = b64(TestImages.png(50));
        String[] refs = {passwdUrl, canaryUrl, trap.url("metadata"), jarUrl, remoteJarUrl};

        // fields that look like references, around a valid image: data, so a result
        cases.add(json("json: id and source are file URLs",
                "{\"id\":\"" + passwdUrl + "\",\"source\":\"" + canaryUrl + "\",\"data\":\"" + png + "\"}",
                Expect.RESULT));
        cases.add(json("json: id and source are URLs of the trap",
                "{\"id\":\"" + trap.url("id") + "\",\"source\":\"" + remoteJarUrl + "\",\"data\":\"" + png + "\"}",
                Expect.RESULT));
        cases.add(json("json: @class, @type and $ref beside the data",
                "{\"@class\":\"" + CANARY_CLASS + "\",\"@type\":\"java.net.URL\",\"$ref\":\"" + passwdUrl + "\","
                        + "\"@c\":\".PayloadCanary\",\"$type\":\"" + CANARY_CLASS + "\",\"id\":\"" + CANARY_CLASS
                        + "\",\"data\":\"" + png + "\"}",
                Expect.RESULT));
        cases.add(json("json: nested type hints in unknown fields",
                "{\"meta\":{\"@type\":\"java.net.URL\",\"val\":\"" + trap.url("nested") + "\"},"
                        + "\"list\":[\"" + CANARY_CLASS + "\",{\"@class\":\"" + CANARY_CLASS + "\",\"url\":\""
                        + jarUrl + "\"}],\"ref\":{\"$ref\":\"" + canaryUrl + "\"},\"data\":\"" + png + "\"}",
                Expect.RESULT));
        cases.add(json("json: polymorphic array form of data",
                "{\"data\":[\"" + CANARY_CLASS + "\",\"" + png + "\"]}", Expect.dead("WRONG_TYPE")));
        cases.add(json("json: data is a typed object naming a file",
                "{\"data\":{\"@type\":\"java.io.File\",\"path\":\"" + PASSWD + "\"}}", Expect.dead("WRONG_TYPE")));
        cases.add(json("json: data is a typed object naming a class",
                "{\"data\":{\"@class\":\"" + CANARY_CLASS + "\"}}", Expect.dead("WRONG_TYPE")));
        cases.add(json("json: data is a $ref", "{\"data\":{\"$ref\":\"" + canaryUrl + "\"}}",
                Expect.dead("WRONG_TYPE")));

        // data that is a reference rather than an image
        cases.add(json("json: data is a file URL", "{\"data\":\"" + passwdUrl + "\"}", Expect.dead("BAD_BASE64")));
        cases.add(json("json: data is the canary's file URL", "{\"data\":\"" + canaryUrl + "\"}",
                Expect.dead("BAD_BASE64")));
        cases.add(json("json: data is a URL of the trap", "{\"data\":\"" + trap.url("data") + "\"}",
                Expect.dead("BAD_BASE64")));
        cases.add(json("json: data is a jar URL", "{\"data\":\"" + jarUrl + "\"}", Expect.dead("BAD_BASE64")));
        cases.add(json("json: data is a bare path", "{\"data\":\"" + canaryFile + "\"}", Expect.dead("BAD_BASE64")));
        cases.add(json("json: data is base64 of a path", "{\"data\":\"" + b64(PASSWD) + "\"}",
                Expect.dead("NOT_AN_IMAGE")));
        cases.add(json("json: data is base64 of the canary's path", "{\"data\":\"" + b64(canaryFile.toString())
                + "\"}", Expect.dead("NOT_AN_IMAGE")));
        cases.add(json("json: data is base64 of a file URL", "{\"data\":\"" + b64(canaryUrl) + "\"}",
                Expect.dead("NOT_AN_IMAGE")));
        cases.add(json("json: data is base64 of a URL of the trap", "{\"data\":\"" + b64(trap.url("b64")) + "\"}",
                Expect.dead("NOT_AN_IMAGE")));
        cases.add(json("json: data is base64 of a jar URL", "{\"data\":\"" + b64(remoteJarUrl) + "\"}",
                Expect.dead("NOT_AN_IMAGE")));

        // other fields that are references
        cases.add(json("json: contentType is a URL of the trap",
                "{\"contentType\":\"" + trap.url("type") + "\",\"data\":\"" + png + "\"}",
                Expect.dead("UNKNOWN_CONTENT_TYPE")));
        cases.add(json("json: contentType is a jar URL",
                "{\"contentType\":\"" + jarUrl + "\",\"data\":\"" + png + "\"}", Expect.dead("UNKNOWN_CONTENT_TYPE")));
        cases.add(json("json: timestamp is a URL of the trap",
                "{\"timestamp\":\"" + trap.url("time") + "\",\"data\":\"" + png + "\"}", Expect.dead("BAD_TIMESTAMP")));
        cases.add(raw("raw: id and source headers are URLs", TestImages.png(60), Expect.RESULT,
                EventHeaders.ID, jarUrl, EventHeaders.SOURCE, trap.url("header-source")));
        cases.add(raw("raw: timestamp header is a file URL", TestImages.png(61), Expect.dead("BAD_TIMESTAMP"),
                EventHeaders.TIMESTAMP, canaryUrl));

        // XML with external entities, as the value, as data, and declared as SVG
        String svg = HostileImages.svgWithExternalEntities(refs);
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a SYSTEM \"" + passwdUrl + "\"><!ENTITY b SYSTEM \""
                + canaryUrl + "\"><!ENTITY c SYSTEM \"" + trap.url("xxe") + "\">]><r>&a;&b;&c;</r>";
        cases.add(raw("raw: XML with external entities", xml.getBytes(StandardCharsets.UTF_8),
                Expect.dead("NOT_JSON_OR_IMAGE")));
        cases.add(raw("raw: SVG with external entities", svg.getBytes(StandardCharsets.UTF_8),
                Expect.dead("NOT_JSON_OR_IMAGE")));
        cases.add(raw("raw: SVG with external entities, content-type image/svg+xml",
                svg.getBytes(StandardCharsets.UTF_8), Expect.dead("NOT_JSON_OR_IMAGE"),
                EventHeaders.CONTENT_TYPE, "image/svg+xml"));
        cases.add(json("json: data is an SVG with external entities", "{\"data\":\"" + b64(svg) + "\"}",
                Expect.dead("NOT_AN_IMAGE")));
        cases.add(json("json: data is an SVG declared image/svg+xml",
                "{\"contentType\":\"image/svg+xml\",\"data\":\"" + b64(svg) + "\"}",
                Expect.dead("UNKNOWN_CONTENT_TYPE")));
        cases.add(json("json: data is XML with external entities", "{\"data\":\"" + b64(xml) + "\"}",
                Expect.dead("NOT_AN_IMAGE")));

        // valid images whose metadata is full of references: results
        byte[] jpeg = HostileImages.jpegWithReferencesInMetadata(refs);
        byte[] cmyk = HostileImages.cmykJpegWithReferencesInMetadata(refs);
        byte[] pngMeta = HostileImages.pngWithReferencesInMetadata(refs);
        cases.add(raw("raw: JPEG with URLs in EXIF, XMP (external entities) and ICC", jpeg, Expect.RESULT));
        cases.add(json("json: JPEG with URLs in EXIF, XMP (external entities) and ICC",
                "{\"contentType\":\"image/jpeg\",\"data\":\"" + b64(jpeg) + "\"}", Expect.RESULT));
        cases.add(raw("raw: CMYK JPEG (TwelveMonkeys) with URLs in EXIF and XMP", cmyk, Expect.RESULT));
        cases.add(raw("raw: PNG with URLs in tEXt, iTXt XMP (external entities) and iCCP", pngMeta,
                Expect.RESULT));
    }

    private Case json(String name, String body, Expect expect) {
        return new Case(name, "cam-json".getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8),
                Map.of(), expect);
    }

    private Case raw(String name, byte[] value, Expect expect, String... headers) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return new Case(name, "cam-raw".getBytes(StandardCharsets.UTF_8), value, h, expect);
    }

    private static void pipe(TestInputTopic<byte[], byte[]> images, Case c) {
        RecordHeaders h = new RecordHeaders();
        h.add(CASE, c.name().getBytes(StandardCharsets.UTF_8));
        c.headers().forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        images.pipeInput(new TestRecord<>(c.key(), c.value(), h, Instant.parse("2026-11-27T20:00:00Z")));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private TopologyTestDriver driver(BatchDispatcher dispatcher) {
        ProcessorSettings settings = new ProcessorSettings(dispatcher, new EventParser(), 2, 5, OutcomeListener.NONE);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "payload-safety");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        return new TopologyTestDriver(VggTopology.build(Topics.defaults(), settings, Map.of()), props,
                Instant.parse("2026-11-27T20:00:00Z"));
    }

    private JsonNode resultOf(String caseName) throws IOException {
        for (int i = 0; i < cases.size(); i++) {
            if (cases.get(i).name().equals(caseName)) {
                List<TestRecord<byte[], byte[]>> r = results.get((long) i);
                assertThat(r).as("result of " + caseName).hasSize(1);
                return JSON.readTree(r.get(0).value());
            }
        }
        throw new AssertionError("no case " + caseName);
    }

    /** Class loading reads the JDK's files and the classpath's jars and class files; nothing else is expected. */
    private static boolean isClassLoading(String path) {
        if (path.startsWith(System.getProperty("java.home"))) {
            return true;
        }
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .anyMatch(entry -> path.equals(entry) || path.startsWith(entry + File.separator));
    }

    private static Path writeCanaryJar(Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("PayloadCanary.class"));
            out.write("not a class: nobody may read this jar".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static byte[] resourceCmyk() throws IOException {
        try (var in = PayloadsAreDataOnlyTest.class.getResourceAsStream("/fixtures/images/cmyk_magick.jpg")) {
            return in.readAllBytes();
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String header(TestRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
