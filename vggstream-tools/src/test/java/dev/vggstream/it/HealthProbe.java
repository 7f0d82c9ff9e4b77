package dev.vggstream.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The processor's health endpoints seen from outside, as a Kubernetes probe would: one look, or a look every
 * half second in the background counting how often liveness and readiness were answered down (a processor that is
 * not listening, e.g. while it restarts, counts as neither).
 */
final class HealthProbe implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;
    private final AtomicInteger looks = new AtomicInteger();
    private final AtomicInteger liveDown = new AtomicInteger();
    private final AtomicInteger readyDown = new AtomicInteger();
    private ScheduledExecutorService timer;

    HealthProbe(int port) {
        this.port = port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** The HTTP status of {@code path}, or -1 when nothing answers. */
    int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Starts looking at liveness and readiness every 500 ms until {@link #close()}. */
    HealthProbe watch() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "health-probe");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::look, 0, 500, TimeUnit.MILLISECONDS);
        return this;
    }

    private void look() {
        int live = status("/health/live");
        if (live < 0) {
            return;
        }
        looks.incrementAndGet();
        if (live != 200) {
            liveDown.incrementAndGet();
        }
        if (status("/health/ready") != 200) {
            readyDown.incrementAndGet();
        }
    }

    /** Looks that got an answer. */
    int looks() {
        return looks.get();
    }

    int liveDown() {
        return liveDown.get();
    }

    int readyDown() {
        return readyDown.get();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
