package io.pub.samples.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves the registry at {@code http://<host>:<port>/metrics} in the Prometheus text format (JDK
 * HTTP server, one daemon thread). Port 0 takes any free port; see {@link #port()}.
 */
public final class MetricsServer implements AutoCloseable {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final Object scrapes = new Object();
    private long lastScrapeStartedNanos = Long.MIN_VALUE;

    private MetricsServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
    }

    /** Starts serving on all interfaces; fails naming METRICS_PORT when the port is taken. */
    public static MetricsServer start(PrometheusMeterRegistry registry, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (BindException e) {
            throw new IllegalArgumentException(
                    "METRICS_PORT " + port + " is in use; choose a free port (0 = any free port)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on METRICS_PORT " + port, e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        MetricsServer ms = new MetricsServer(server, executor, registry);
        server.createContext("/metrics", ms::handle);
        server.setExecutor(executor);
        server.start();
        return ms;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        synchronized (scrapes) {
            lastScrapeStartedNanos = started;
            scrapes.notifyAll();
        }
    }

    /**
     * Waits until a scrape that started after {@code sinceNanos} (System.nanoTime) was served, at
     * most {@code timeout}; returns whether one was. Lets a short job end only once its final figures
     * have been collected.
     */
    public boolean awaitScrape(long sinceNanos, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (scrapes) {
            while (lastScrapeStartedNanos == Long.MIN_VALUE || lastScrapeStartedNanos - sinceNanos < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                scrapes.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
