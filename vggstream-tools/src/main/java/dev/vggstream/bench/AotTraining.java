package dev.vggstream.bench;

import dev.vggstream.kafka.LocalKafkaBroker;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a JDK 25 AOT cache for the processor (JEP 483 and 515: classes loaded and linked ahead of time, and the
 * methods' profiles, so C2 compiles the hot paths sooner). The training run is the processor itself, started with
 * {@code -XX:AOTMode=record} on a local broker, classifying a backlog of 224 px JPEG events with the benchmark's
 * near-free model until every one has a result, then stopped with SIGTERM; at exit the JVM writes what it loaded
 * and profiled, and a second JVM makes the cache of it ({@code -XX:AOTMode=record}, then {@code create}). A
 * processor started with {@code -XX:AOTCache=<file>} on the same JDK and the same jar then starts from it (README,
 * "Start-up on JDK 25").
 */
public final class AotTraining {

    /** The JDK release whose AOT cache holds method profiles (JEP 515) as well as classes (JEP 483). */
    public static final int MIN_FEATURE = 25;

    private static final Pattern VERSION = Pattern.compile("version \"(\\d+)");

    /**
     * @param java       the java launcher the processor will run on (the cache is valid for that JDK build only)
     * @param launch     how to start the processor after the JVM options, up to "run": "-jar", its jar; or "-cp",
     *                   a class path of jars only (the cache refuses directories), a main class
     * @param jvmOptions further JVM options of the training run (the JIT options the processor runs with)
     * @param out        the cache to write
     * @param images     events in the training backlog
     */
    public record Options(String java, List<String> launch, List<String> jvmOptions, Path out, int images) {
    }

    /** The training run's outcome: its rate and how long it took from the broker's start to the cache written. */
    public record Trained(Path cache, long bytes, double imagesPerSecond, double seconds) {
    }

    private AotTraining() {
    }

    /**
     * Trains the cache on a broker of its own; fails with the reason when the JDK is too old or the JVM wrote no
     * cache.
     */
    public static Trained train(Options o, PrintWriter console) throws Exception {
        Path work = Files.createTempDirectory("vggstream-aot-");
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(work.resolve("kafka")).start()) {
            return train(o, broker.bootstrapServers(), broker.pid(), BenchModels.get(work.resolve("models"),
                    BenchModels.tiny()), console);
        } finally {
            BenchModels.deleteTree(work);
        }
    }

    /** Trains the cache on a running broker, serving {@code model} (part 8 trains its JDK 25 side's this way). */
    static Trained train(Options o, String bootstrap, long brokerPid, Path model, PrintWriter console)
            throws Exception {
        int feature = featureVersion(o.java());
        if (feature < MIN_FEATURE) {
            throw new IllegalArgumentException(o.java() + " is Java " + feature + "; an AOT cache needs JDK "
                    + MIN_FEATURE + " or later");
        }
        long t0 = System.nanoTime();
        Path work = Files.createTempDirectory("vggstream-aot-");
        Path out = o.out().toAbsolutePath();
        Files.deleteIfExists(out);
        try {
            // record, then create: a JVM ended by SIGTERM writes its configuration but not the cache that
            // -XX:AOTCacheOutput would make in one step (measured on 25.0.3), so the cache is made in a run of its own
            Path conf = work.resolve("vggstream.aotconf");
            List<String> jvm = new ArrayList<>(o.jvmOptions());
            jvm.addAll(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + conf));
            PeerSides.Vggstream side = new PeerSides.Vggstream("aot-training", model, o.java(), jvm, o.launch(),
                    Map.of(), work);
            PeerBench.say(console, "training an AOT cache: the processor on %s classifies %d events", o.java(),
                    o.images());
            Path logs = Files.createDirectories(work.resolve("logs"));
            PeerBench.Turn turn;
            try {
                turn = PeerBench.run(bootstrap, side, Payloads.jpegs(64, 224, 224, 25), o.images(),
                        Math.max(1, o.images() / 4), work, logs, PeerBench.cpuNanos(brokerPid), console);
            } catch (Exception e) {
                // the log is deleted with the working directory: its end goes with the error
                throw new IOException(e.getMessage() + "; the training run's log ends:\n" + tail(logs), e);
            }
            create(o, conf, out, logs.resolve("aot-create.log"));
            if (!Files.isRegularFile(out) || Files.size(out) == 0) {
                throw new IOException("the training run wrote no AOT cache at " + out + ": its log follows\n"
                        + tail(logs));
            }
            return new Trained(out, Files.size(out), turn.coldPerSecond(), (System.nanoTime() - t0) / 1e9);
        } finally {
            BenchModels.deleteTree(work);
        }
    }

    /** Makes the cache from the training run's configuration, on the training run's class path and options. */
    private static void create(Options o, Path conf, Path out, Path log) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(o.java(), "-XX:AOTMode=create", "-XX:AOTConfiguration=" + conf,
                "-XX:AOTCache=" + out));
        cmd.addAll(o.jvmOptions());
        cmd.addAll(List.of("-cp", o.launch().get(1)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new IOException("making the AOT cache took over 10 minutes: " + String.join(" ", cmd));
        }
    }

    /**
     * A JDK of {@link #MIN_FEATURE} or later: the one {@code VGGSTREAM_JDK25} names, else the first under
     * /usr/lib/jvm (where Debian and the Temurin packages put theirs); its java launcher.
     */
    public static Optional<String> findJdk() throws IOException, InterruptedException {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("VGGSTREAM_JDK25");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (var s = Files.list(jvms)) {
                s.sorted().forEach(candidates::add);
            }
        }
        for (Path c : candidates) {
            Path launcher = c.resolve("bin").resolve("java");
            if (Files.isExecutable(launcher) && featureVersion(launcher.toString()) >= MIN_FEATURE) {
                return Optional.of(launcher.toString());
            }
        }
        return Optional.empty();
    }

    /** The feature release of a java launcher ("25" of 25.0.3), from its {@code -version}. */
    public static int featureVersion(String java) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        Matcher m = VERSION.matcher(text);
        if (!m.find()) {
            throw new IOException(java + " -version printed no version: " + text.strip());
        }
        return Integer.parseInt(m.group(1));
    }

    private static String tail(Path logs) throws IOException {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(logs)) {
            for (Path f : files.toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> b.append(l).append('\n'));
            }
        }
        return b.toString();
    }
}
