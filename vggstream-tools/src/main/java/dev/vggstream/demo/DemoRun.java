package dev.vggstream.demo;

import dev.vggstream.bench.BenchModels;
import dev.vggstream.config.AppConfig;
import dev.vggstream.kafka.LocalKafka;
import dev.vggstream.kafka.LocalKafkaBroker;
import dev.vggstream.metrics.Observability;
import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.service.Health;
import dev.vggstream.service.VggService;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static dev.vggstream.demo.DemoStream.DLQ;
import static dev.vggstream.demo.DemoStream.INPUT;
import static dev.vggstream.demo.DemoStream.OUTPUT;

/**
 * One demo run: a real Kafka broker (its own JVM, loopback, a temporary directory), the processor serving the demo
 * model, the samples streamed through it with every answer printed, a summary, and everything stopped and deleted
 * (unless kept).
 */
public final class DemoRun {

    /** What {@code vggstream demo} may change; {@code nodes} is at least 1. */
    public record Options(String guarantee, int batchSize, long batchWaitMs, int cameras, int nodes, boolean keep,
                          int httpPort) {
    }

    private final Options o;

    private DemoRun(Options options) {
        this.o = options;
    }

    /** Runs the demo, printing to {@code out}; a failure is a {@link CliException} with its exit code. */
    public static void run(Options options, PrintWriter out) throws Exception {
        new DemoRun(options).run(out);
    }

    private void run(PrintWriter out) throws Exception {
        Path work = Files.createTempDirectory("vggstream-demo-");
        long t0 = System.nanoTime();
        try {
            out.println("vggstream demo (working directory " + work + ")");
            out.flush();
            DemoData data = DemoData.prepare(work.resolve("assets"));
            out.printf("model: %s; %d sample images%s%n", data.modelDescription(), data.samples().size(),
                    data.labels().isEmpty() ? "" : " with known labels");
            try (LocalKafka broker = step(out, o.nodes() == 1 ? "starting Kafka (KRaft, own JVM)"
                            : "starting a Kafka cluster of " + o.nodes() + " nodes (KRaft, a JVM each)",
                    () -> LocalKafka.start(o.nodes(), LocalKafkaBroker.builder().dataDir(work.resolve("kafka"))))) {
                serve(out, broker.bootstrapServers(), data, work);
                out.println("stopping the processor and Kafka ...");
                out.flush();
            }
            out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        } finally {
            if (!o.keep()) {
                BenchModels.deleteTree(work);
            } else {
                out.println("kept " + work);
            }
            out.flush();
        }
    }

    /** The processor started on the broker, the samples streamed through it, the summary printed. */
    private void serve(PrintWriter out, String bootstrap, DemoData data, Path work) throws Exception {
        AppConfig config = config(bootstrap, data.model(), work);
        Health health = new Health();
        try (Observability observability = Observability.start(config.http(), health);
             VggService service = step(out, "starting the processor (model load + warm-up)",
                     () -> VggService.start(config, health, observability.listeners()))) {
            observability.attach(service.streams());
            observability.viewUrl().ifPresent(url -> out.println("live view: " + url));
            if (!service.awaitRunning(Duration.ofSeconds(60))) {
                throw new CliException(ExitCodes.FAILED, "the processor did not reach RUNNING: "
                        + service.health().describe());
            }
            DemoStream.stream(out, bootstrap, data, o.cameras()).print(out, data);
            if (o.keep()) {
                keepUp(out, bootstrap, observability);
            }
        }
    }

    private AppConfig config(String bootstrap, Path model, Path work) {
        Map<String, String> c = new HashMap<>();
        c.put("kafka.bootstrap.servers", bootstrap);
        c.put("kafka.application.id", "vggstream-demo");
        c.put("kafka.processing.guarantee", o.guarantee());
        c.put("kafka.state.dir", work.resolve("streams-state").toString());
        c.put("topics.input", INPUT);
        c.put("topics.output", OUTPUT);
        c.put("topics.dlq", DLQ);
        c.put("topics.partitions", "4");
        c.put("model.path", model.toString());
        c.put("model.poll-interval-ms", "0");
        c.put("batch.max-size", Integer.toString(o.batchSize()));
        c.put("batch.max-wait-ms", Long.toString(o.batchWaitMs()));
        c.put("http.enabled", "true");
        c.put("http.host", "127.0.0.1");
        c.put("http.port", Integer.toString(o.httpPort()));
        // the samples are the project's own pictures: nothing private to hide
        c.put("http.view.thumbnails", "true");
        try {
            return AppConfig.defaults().with(c);
        } catch (RuntimeException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** Blocks until the JVM is stopped (Ctrl-C); the broker's own shutdown hook then stops its process. */
    private static void keepUp(PrintWriter out, String bootstrap, Observability observability)
            throws InterruptedException {
        out.printf("%nkept up until Ctrl-C: Kafka at %s (topics %s, %s, %s), live view at %s%n", bootstrap, INPUT,
                OUTPUT, DLQ, observability.viewUrl().orElse("(disabled)"));
        out.println("try: ./vggstream produce --bootstrap-servers " + bootstrap + " --topic " + INPUT + " IMAGES...");
        out.flush();
        new CountDownLatch(1).await();
    }

    interface Step<T> {
        T run() throws Exception;
    }

    private static <T> T step(PrintWriter out, String what, Step<T> s) throws Exception {
        out.print(what + " ... ");
        out.flush();
        long t = System.nanoTime();
        T result = s.run();
        out.printf(Locale.ROOT, "done (%.1f s)%n", (System.nanoTime() - t) / 1e9);
        out.flush();
        return result;
    }
}
