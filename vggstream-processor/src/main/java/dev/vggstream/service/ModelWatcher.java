package dev.vggstream.service;

import dev.vggstream.inference.ModelException;
import dev.vggstream.inference.ModelInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Hot reload, the TF Serving way: polls the model path for a higher numbered version, loads and warms it beside the
 * served one, switches between batches, then closes the old one. A version that cannot be served (corrupt, wrong
 * signature, failing warm-up) is refused with an error log and the old model keeps serving; it is tried again only
 * if its files change (a copy that was still in progress).
 */
public final class ModelWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelWatcher.class);

    private final ModelHolder holder;
    private final Health health;
    private final ModelListener listener;
    private final String device;
    private final int[] warmupSizes;
    private final ScheduledExecutorService timer;
    /** Versions refused, with the fingerprint of their files when they were. */
    private final Map<Path, Long> refused = new HashMap<>();

    public ModelWatcher(ModelHolder holder, Health health, ModelListener listener, String device, int[] warmupSizes,
                        long pollIntervalMs) {
        this.holder = holder;
        this.health = health;
        this.listener = listener;
        this.device = device;
        this.warmupSizes = warmupSizes.clone();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vggstream-model-watcher");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::poll, pollIntervalMs, pollIntervalMs, TimeUnit.MILLISECONDS);
    }

    /** Looks once for a newer version and serves it if it can. Runs on the watcher's thread. */
    void poll() {
        try {
            Optional<Path> latest = ModelVersions.latest(holder.modelPath());
            if (latest.isEmpty() || !isNewer(latest.get())) {
                return;
            }
            Path dir = latest.get();
            long fingerprint = fingerprint(dir);
            Long before = refused.get(dir);
            if (before != null && before == fingerprint) {
                return;
            }
            reload(dir, fingerprint);
        } catch (IOException | RuntimeException e) {
            log.warn("model watcher: cannot look at {}: {}", holder.modelPath(), e.toString());
        }
    }

    private boolean isNewer(Path dir) {
        long candidate = ModelVersions.version(dir);
        long served;
        try {
            served = Long.parseLong(holder.info().version());
        } catch (NumberFormatException e) {
            served = -1;
        }
        return candidate > served;
    }

    private void reload(Path dir, long fingerprint) {
        health.reloading(true);
        long t0 = System.nanoTime();
        try {
            ModelInfo now = holder.swap(dir, warmupSizes);
            refused.remove(dir);
            listener.served(now, device);
            log.info("hot reload to version {} took {} ms", now.version(), (System.nanoTime() - t0) / 1_000_000);
        } catch (ModelException | RuntimeException e) {
            refused.put(dir, fingerprint);
            listener.refused(dir, e.getMessage());
            log.error("refused model version {}: {} (still serving version {})", dir, e.getMessage(),
                    holder.info().version());
        } finally {
            health.reloading(false);
        }
    }

    /** Changes when any file of the version is written: sizes and modification times. */
    static long fingerprint(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p) * 31 + Files.getLastModifiedTime(p).toMillis();
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
