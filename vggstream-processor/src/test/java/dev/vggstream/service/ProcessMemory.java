package dev.vggstream.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident set size, which includes TensorFlow's native memory that the Java heap does not show. */
final class ProcessMemory {
    private ProcessMemory() {
    }

    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
