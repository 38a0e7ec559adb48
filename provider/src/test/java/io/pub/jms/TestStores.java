package io.pub.jms;

import io.pub.Settings;
import io.pub.couchbase.CouchbaseMockServer;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The stores the provider tests run on, each started once per test JVM and kept open by an anchor
 * connection (so the shared engine, and the Couchbase SDK connection, is not reopened for every
 * test). All share one {@link OffsetClock}; background housekeeping is off so a test that jumps the
 * clock never has another test's live subscriptions reaped under it.
 */
enum TestStores {
    EMBEDDED,
    COUCHBASE;

    static final OffsetClock CLOCK = new OffsetClock();
    static final Settings SETTINGS = Settings.only(Map.of("PUB_HOUSEKEEPING_INTERVAL", "0", "PUB_SHARDS", "4"));

    private String url;
    private Connection anchor;
    private AutoCloseable onExit;

    /** The store URL (without provider options); starts the store on first use. */
    synchronized String url() {
        if (url == null) {
            try {
                start();
                anchor = new PubConnectionFactory(url, SETTINGS, CLOCK).createConnection();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (JMSException e) {
                throw new IllegalStateException("cannot open the " + this + " store", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
        }
        return url;
    }

    /** The URL with provider options appended ({@code options} like "maxDeliveries=2&x=y", or empty). */
    String url(String options) {
        String base = url();
        if (options == null || options.isEmpty()) {
            return base;
        }
        return base + (base.contains("?") ? "&" : "?") + options;
    }

    PubConnectionFactory factory(String options) {
        return new PubConnectionFactory(url(options), SETTINGS, CLOCK);
    }

    private void start() throws IOException {
        switch (this) {
            case EMBEDDED -> {
                Path dir = Files.createTempDirectory("pub-provider-test");
                url = "embedded:" + dir;
                onExit = () -> deleteTree(dir);
            }
            case COUCHBASE -> {
                CouchbaseMockServer mock = CouchbaseMockServer.start();
                url = mock.storeUrl();
                onExit = mock::close;
            }
        }
    }

    private synchronized void stop() {
        try {
            if (anchor != null) {
                anchor.close();
            }
            onExit.close();
        } catch (Exception ignored) {
            // the JVM is exiting
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
