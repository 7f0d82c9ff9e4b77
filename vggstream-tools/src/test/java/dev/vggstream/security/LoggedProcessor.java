package dev.vggstream.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * {@code vggstream run --config FILE} in its own JVM with stdout and stderr going straight to a file, so that
 * {@link #output()} after the exit is everything the process printed, to the last byte (a pipe read by a thread
 * can lose the lines written while the process exits). Leak checks need the whole output.
 */
final class LoggedProcessor implements AutoCloseable {

    private final Process process;
    private final Path log;

    private LoggedProcessor(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the processor with no {@code VGGSTREAM_*} variable from this JVM, only {@code env}. */
    static LoggedProcessor start(Path config, Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.vggstream.cli.Main");
        cmd.add("run");
        cmd.add("--config");
        cmd.add(config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("VGGSTREAM_"));
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        pb.environment().putAll(env);
        return new LoggedProcessor(pb.start(), log);
    }

    /** Everything printed so far; after {@link #waitForExit} or {@link #stop}, everything. */
    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until Kafka Streams reports RUNNING; fails at once if the processor exits instead. */
    void awaitRunning(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .alias("Kafka Streams RUNNING; output so far:\n" + output())
                .until(() -> output().contains("Kafka Streams is RUNNING") || !process.isAlive());
        if (!output().contains("Kafka Streams is RUNNING")) {
            throw new AssertionError("processor exited with " + process.exitValue() + " before RUNNING:\n" + output());
        }
    }

    /** Waits for the exit; fails (the process is then killed by {@link #close}) if it takes longer. */
    int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("processor still running after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return waitForExit(timeout);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
