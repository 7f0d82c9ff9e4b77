package dev.vggstream.bench;

import dev.vggstream.image.ImagePreparer;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.model.VggSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The two sides of the peer benchmark, each started as processes of its own. */
public final class PeerSides {

    /**
     * The JIT options the launcher, the container images and the Kubernetes manifests give the processor: smaller C2
     * inlining, which halves what a young JVM spends compiling Kafka's deeply inlined paths (README, "JIT options").
     */
    public static final String JIT_OPTIONS = "-XX:InlineSmallCode=1000 -XX:FreqInlineSize=100";
    /** Part 8's vggstream side unless --peer-variant says otherwise: the settings README recommends. */
    public static final String RECOMMENDED_JVM = "-Xmx2g " + JIT_OPTIONS;

    /** A variant's token for "start from an AOT cache trained first for this side" (JDK 25 or later). */
    public static final String AOT_TOKEN = "aot";

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SCRIPT = Path.of("tools", "peer", "python_consumer.py");

    private PeerSides() {
    }

    /**
     * Part 8's vggstream sides unless --peer-variant says otherwise: the recommended settings on this JVM, and on a
     * JDK 25 if there is one, started from an AOT cache as the container image starts (README, "Start-up on JDK 25").
     */
    public static List<String> defaultVariants() throws IOException, InterruptedException {
        List<String> v = new ArrayList<>(List.of(RECOMMENDED_JVM));
        AotTraining.findJdk().ifPresent(jdk -> v.add("java=" + jdk + " " + AOT_TOKEN + " " + RECOMMENDED_JVM));
        return v;
    }

    /**
     * Why the Python side cannot run here, if it cannot: Debian's interpreter or the script missing, or the
     * interpreter lacking modules (then the apt packages to install).
     */
    static Optional<String> pythonUnavailable() throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            return Optional.of(PYTHON + " not found: install python3 python3-confluent-kafka python3-torchvision");
        }
        if (!Files.isRegularFile(SCRIPT)) {
            return Optional.of(SCRIPT + " not found: run the benchmark from the repository's root");
        }
        Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), "--bootstrap", "-", "--input", "-",
                "--output", "-", "--group", "-", "--check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return PeerBench.missingPackages(out)
                .map(m -> "the Python consumer needs Debian packages: apt-get install " + m);
    }

    /**
     * A vggstream side from "-Xmx2g -XX:TieredStopAtLevel=1 inference.warmup-images=0": JVM options and keys;
     * {@code java=<a JDK's home or its java>} runs the side on another JDK than the benchmark's own.
     */
    static Vggstream vggstream(String label, Path model, String variant, Path work) {
        List<String> jvm = new ArrayList<>();
        Map<String, String> config = new LinkedHashMap<>();
        String java = thisJava();
        for (String token : variant.trim().split("\\s+")) {
            if (token.startsWith("-")) {
                jvm.add(token);
            } else if (token.startsWith("java=")) {
                java = javaOf(Path.of(token.substring("java=".length())));
            } else if (token.contains("=")) {
                config.put(token.substring(0, token.indexOf('=')), token.substring(token.indexOf('=') + 1));
            } else if (!token.isEmpty()) {
                throw new IllegalArgumentException("peer variant token '" + token + "' is neither a JVM option "
                        + "(-...) nor key=value");
            }
        }
        return new Vggstream(label, model, java, jvm, thisClassPath(), config, work);
    }

    /** How a side starts the processor by default: this JVM's class path and the vggstream command. */
    public static List<String> thisClassPath() {
        return List.of("-cp", System.getProperty("java.class.path"), "dev.vggstream.cli.Main");
    }

    /** The java launcher this JVM was started with: a side runs on it unless told otherwise. */
    public static String thisJava() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The java launcher of a JDK home, or the launcher itself. */
    public static String javaOf(Path jdkOrJava) {
        Path java = Files.isDirectory(jdkOrJava) ? jdkOrJava.resolve("bin").resolve("java") : jdkOrJava;
        if (!Files.isExecutable(java)) {
            throw new IllegalArgumentException(jdkOrJava + ": no java launcher at " + java);
        }
        return java.toString();
    }

    /**
     * The Python consumer: N worker processes in one consumer group, torch at one thread each, serving {@code model}
     * ("vgg11" at {@code width} and {@code classes}, or part 10's {@link ProbeModel} "probe") at {@code imageSize},
     * each image resized to a {@code resize} px short side (Resize) and then center-cropped (CenterCrop), as a team's
     * script does.
     */
    record Python(int processes, String model, int imageSize, int resize, double width, int classes)
            implements PeerBench.Side {

        /** Part 8's side: the near-free 32 px model, Resize(32) + CenterCrop(32). */
        Python(int processes) {
            this(processes, BenchModels.tiny(), BenchModels.tiny().imageSize());
        }

        Python(int processes, VggSpec spec, int resize) {
            this(processes, "vgg11", spec.imageSize(), resize, spec.width(), spec.numClasses());
        }

        /**
         * A side for {@code model} that prepares images as vggstream does for it: the short side resized to
         * {@link ImagePreparer#resizeShorterSide()} (256 for 224 px), then the center crop.
         */
        static Python like(int processes, VggSpec model) {
            return new Python(processes, model, shorterSide(model.imageSize(), model.preprocessing()));
        }

        /** Part 10's side: the {@link ProbeModel} at {@code side} px, images prepared as vggstream prepares them. */
        static Python probe(int processes, int side) {
            return new Python(processes, ProbeModel.NAME, side, shorterSide(side, Preprocessing.TORCH), 1,
                    ProbeModel.CLASSES);
        }

        private static int shorterSide(int side, Preprocessing preprocessing) {
            return new ImagePreparer(side, side, preprocessing).resizeShorterSide();
        }

        @Override
        public String name() {
            return "python consumer";
        }

        @Override
        public Process start(String bootstrap, String in, String out, String group) throws IOException {
            return new ProcessBuilder(command(bootstrap, in, out, group)).redirectErrorStream(true).start();
        }

        /** The script's command line. */
        List<String> command(String bootstrap, String in, String out, String group) {
            return List.of(PYTHON.toString(), SCRIPT.toString(), "--bootstrap", bootstrap, "--input", in,
                    "--output", out, "--group", group, "--processes", Integer.toString(processes),
                    "--model", model, "--image-size", Integer.toString(imageSize), "--resize", Integer.toString(resize),
                    "--width", Double.toString(width), "--classes", Integer.toString(classes));
        }

        @Override
        public boolean readyAfter(String line, List<String> linesSoFar) {
            return PeerBench.readyPids(linesSoFar).size() >= processes;
        }

        @Override
        public Map<String, Long> cpu(Process p, List<String> lines) {
            List<Long> pids = new ArrayList<>(PeerBench.readyPids(lines));
            pids.add(p.pid());
            long user = 0;
            long system = 0;
            for (long pid : pids) {
                long[] t = ProcCpu.userSystem(pid);
                user += t[0];
                system += t[1];
            }
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("processes, user", user);
            m.put("processes, system", system);
            return m;
        }
    }

    /**
     * vggstream's {@code run} in a JVM of its own (a fresh processor: nothing compiled, nothing cached), with the
     * benchmark's near-free model and the ceiling's settings.
     *
     * @param java       the java launcher the side runs on
     * @param jvmOptions e.g. "-Xmx2g"
     * @param launch     what follows the JVM options up to the command "run": "-jar", a jar; or "-cp", a class
     *                   path, a main class
     * @param extra      further configuration (inference.warmup-images=0, say)
     */
    record Vggstream(String label, Path model, String java, List<String> jvmOptions, List<String> launch,
                     Map<String, String> extra, Path work) implements PeerBench.Side {
        @Override
        public String name() {
            return label;
        }

        @Override
        public Process start(String bootstrap, String in, String out, String group) throws IOException {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("kafka.bootstrap.servers", bootstrap);
            c.put("kafka.application.id", group);
            // stream threads become "v-StreamThread-N": their native names (15 characters) still say what they are
            c.put("kafka.client.id", "v");
            c.put("kafka.processing.guarantee", "at_least_once");
            c.put("kafka.num.stream.threads", "2");
            c.put("kafka.state.dir", work.resolve(group + "-state").toString());
            c.put("topics.input", in);
            c.put("topics.output", out);
            c.put("topics.dlq", group + ".dlq");
            c.put("topics.create", "false");
            c.put("model.path", model.toString());
            c.put("model.poll-interval-ms", "0");
            c.put("image.jpeg-decoder", "libjpeg-turbo");
            c.put("image.jpeg-scale", "exact"); // Pillow-identical pixels, as the issue requires of the comparison
            c.put("batch.max-size", "32");
            c.put("batch.max-in-flight", "128");
            c.put("http.enabled", "false");
            c.putAll(extra);
            Path config = work.resolve(group + ".properties");
            StringBuilder text = new StringBuilder();
            c.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
            Files.writeString(config, text.toString());
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            cmd.addAll(jvmOptions);
            cmd.addAll(launch);
            cmd.addAll(List.of("run", "--config", config.toString()));
            ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
            b.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "1");
            return b.start();
        }

        @Override
        public boolean readyAfter(String line, List<String> linesSoFar) {
            return line.contains("Kafka Streams is RUNNING");
        }

        @Override
        public Map<String, Long> cpu(Process p, List<String> lines) {
            long[] t = ProcCpu.userSystem(p.pid());
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("processes, user", t[0]);
            m.put("processes, system", t[1]);
            m.putAll(ProcCpu.jvmThreads(p.pid()));
            return m;
        }
    }
}
