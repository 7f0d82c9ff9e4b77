package dev.vggstream.it;

import dev.vggstream.run.ProcessorMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * {@code vggstream run} in its own JVM, from the test classpath, so a test can SIGKILL it like an operator's
 * {@code kill -9} or the OOM killer would. Its output is kept for assertions and failure messages.
 */
public final class ProcessorProcess implements AutoCloseable {

    private final Process process;
    /** The child writes here: a pipe read by a thread loses what the child writes while it exits. */
    private final Path log;

    private ProcessorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code vggstream run --config file} with the given extra environment. */
    public static ProcessorProcess start(Path config, Map<String, String> env) throws IOException {
        return start(config, env, Files.createTempFile(config.getParent(), "processor-", ".log"));
    }

    /**
     * Starts the processor's own entry point (what the Docker image runs), {@code run --config file}, with no
     * {@code VGGSTREAM_*} variable from this JVM, only {@code env}; everything it prints goes to {@code log}.
     */
    public static ProcessorProcess start(Path config, Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ProcessorMain.class.getName());
        cmd.add("run");
        cmd.add("--config");
        cmd.add(config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("VGGSTREAM_"));
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        pb.environment().putAll(env);
        return new ProcessorProcess(pb.start(), log);
    }

    private List<String> lines() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            return List.of(new String(readBytes(), StandardCharsets.ISO_8859_1).split("\n"));
        } catch (IOException e) {
            return List.of("[cannot read " + log + ": " + e + "]");
        }
    }

    private byte[] readBytes() {
        try {
            return Files.readAllBytes(log);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Waits for a line of output that passes {@code test}. */
    public void awaitLine(Predicate<String> test, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(50))
                .alias("processor output line; output so far:\n" + output())
                .until(() -> lines().stream().anyMatch(test) || !process.isAlive());
        if (lines().stream().noneMatch(test)) {
            throw new AssertionError("processor exited with " + process.exitValue() + " before the expected line:\n"
                    + output());
        }
    }

    /** Waits until Kafka Streams reports RUNNING. */
    public void awaitRunning(Duration timeout) {
        awaitLine(l -> l.contains("Kafka Streams is RUNNING"), timeout);
    }

    public String output() {
        return String.join("\n", lines());
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no commit, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for a clean exit; returns the exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("processor did not stop within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    public int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("processor still running after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
