package dev.vggstream.deploy;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the command-line tools that check the deployment files: kubectl, promtool, docker-compose. */
final class Tools {

    /** What a command printed and how it ended. */
    record Run(int exitCode, String output, String errors) {
    }

    private Tools() {
    }

    /**
     * Runs {@code command} in the repository (the working directory) and returns its exit code, its standard output
     * and its standard error (kept apart: kubectl's warnings must not end up in the YAML it prints). A tool that is
     * not installed makes the calling test skipped, with the reason.
     */
    static Run run(List<String> command) {
        return run(command, Map.of());
    }

    /** As {@link #run(List)}, with {@code env} added to (or, for null values, removed from) the environment. */
    static Run run(List<String> command, Map<String, String> env) {
        Path errors = null;
        try {
            errors = Files.createTempFile("vggstream-tool", ".err");
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectError(errors.toFile())
                    .directory(Path.of("").toAbsolutePath().toFile());
            env.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                Assumptions.abort(command.get(0) + " is not installed (" + e.getMessage() + "); CI installs it");
                throw new AssertionError("unreachable");
            }
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within 2 minutes");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    Files.readString(errors, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", command) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            if (errors != null) {
                errors.toFile().delete();
            }
        }
    }

    /** As {@link #run}, failing the test with the tool's output unless it exits 0. */
    static String ok(List<String> command) {
        return ok(command, Map.of());
    }

    static String ok(List<String> command, Map<String, String> env) {
        Run r = run(command, env);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + r.exitCode() + ":\n" + r.output()
                    + r.errors());
        }
        return r.output();
    }
}
