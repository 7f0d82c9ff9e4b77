package dev.vggstream.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vggstream.service.Health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The HTTP server: {@code GET /metrics}, the three health checks and, unless disabled, the live page ({@code /}, its
 * script and style from the jar, and the {@code /view/state} JSON it polls). Every other path is 404 and every other
 * method 405. Every response forbids anything the page does not need (Content-Security-Policy): no inline script,
 * nothing from another origin, images only from the server or {@code data:} URLs.
 */
final class HttpEndpoints implements AutoCloseable {

    static final String METRICS = "/metrics";
    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";
    static final String STARTUP = "/health/startup";
    static final String VIEW = "/";
    static final String VIEW_STATE = "/view/state";
    static final String VIEW_SCRIPT = "/view/view.js";
    static final String VIEW_STYLE = "/view/view.css";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String RESOURCES = "/dev/vggstream/metrics/view/";

    // Probes and one Prometheus: two threads keep a slow scrape from delaying a probe.
    private static final int THREADS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final Map<String, Handler> routes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HttpEndpoints(HttpServer server, ExecutorService pool, Health health, MetricsRegistry metrics,
                          Map<String, Handler> viewRoutes) {
        this.server = server;
        this.pool = pool;
        Map<String, Handler> r = new HashMap<>(Map.of(
                METRICS, x -> {
                    MetricsRegistry.Scrape s = metrics.scrape(x.getRequestHeaders().getFirst("Accept"));
                    send(x, 200, s.contentType(), s.body());
                },
                LIVE, x -> check(x, health, Health::live),
                READY, x -> check(x, health, Health::ready),
                STARTUP, x -> check(x, health, Health::started)));
        r.putAll(viewRoutes);
        this.routes = Map.copyOf(r);
    }

    /** The live page's routes; none without a view. */
    private static Map<String, Handler> viewRoutes(LiveView view) throws IOException {
        if (view == null) {
            return Map.of();
        }
        return Map.of(
                VIEW, resource("index.html", "text/html; charset=utf-8"),
                VIEW_SCRIPT, resource("view.js", "text/javascript; charset=utf-8"),
                VIEW_STYLE, resource("view.css", "text/css; charset=utf-8"),
                VIEW_STATE, x -> send(x, 200, "application/json", JSON.writeValueAsBytes(view.state())));
    }

    /** A file of the page, read from the jar once. */
    private static Handler resource(String name, String contentType) throws IOException {
        byte[] body;
        try (InputStream in = HttpEndpoints.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("the jar lacks " + RESOURCES + name);
            }
            body = in.readAllBytes();
        }
        return x -> send(x, 200, contentType, body);
    }

    /** Binds {@code host:port} (port 0: any free port) and starts serving, without the live page. */
    static HttpEndpoints start(String host, int port, Health health, MetricsRegistry metrics) throws IOException {
        return start(host, port, health, metrics, null);
    }

    /** Binds {@code host:port} and starts serving; the live page too when {@code view} is not null. */
    static HttpEndpoints start(String host, int port, Health health, MetricsRegistry metrics, LiveView view)
            throws IOException {
        Map<String, Handler> viewRoutes = viewRoutes(view);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "vggstream-http-" + n.incrementAndGet());
            // never the reason the JVM stays up after the processor stopped
            t.setDaemon(true);
            return t;
        });
        HttpEndpoints endpoints = new HttpEndpoints(server, pool, health, metrics, viewRoutes);
        server.setExecutor(pool);
        server.createContext("/", endpoints::handle);
        server.start();
        return endpoints;
    }

    /** The bound address, with the actual port when 0 was asked for. */
    InetSocketAddress address() {
        return server.getAddress();
    }

    String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            // the raw path: "/health%2Fready" is not "/health/ready"
            Handler route = routes.get(exchange.getRequestURI().getRawPath());
            if (route == null) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            } else if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, "text/plain; charset=utf-8",
                        "method not allowed\n".getBytes(StandardCharsets.UTF_8));
            } else {
                route.handle(exchange);
            }
        }
    }

    private static void check(HttpExchange exchange, Health health, Predicate<Health> passes) throws IOException {
        boolean up = passes.test(health);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("live", health.live());
        body.put("started", health.started());
        body.put("ready", health.ready());
        body.put("streams", String.valueOf(health.streamsState()));
        if (health.failure() != null) {
            body.put("failure", health.failure());
        }
        if (health.kafkaProblem() != null) {
            body.put("kafka", health.kafkaProblem());
        }
        send(exchange, up ? 200 : 503, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        // a response to HEAD has no body, and the JDK server refuses one
        if (body.length == 0 || "HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            pool.shutdownNow();
        }
    }
}
