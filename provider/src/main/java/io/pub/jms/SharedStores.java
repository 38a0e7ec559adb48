package io.pub.jms;

import io.pub.Pub;
import io.pub.spi.Settings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link Pub} per store URL in this JVM, shared by every connection that uses it and closed with
 * the last one. Sharing is required, not an optimisation: the embedded store can be opened only once
 * per process. The first opener's settings and clock decide the engine's configuration.
 */
final class SharedStores {
    private static final Map<String, Entry> OPEN = new HashMap<>();

    private SharedStores() {}

    /** A reference to the shared engine of {@code url}; close it exactly once. */
    static Ref acquire(String url, Settings settings, Clock clock) {
        String key = key(url);
        synchronized (OPEN) {
            Entry e = OPEN.get(key);
            if (e == null) {
                // traced when the application registered an OpenTelemetry SDK (or runs the agent)
                Pub pub = Pub.builder()
                        .url(url)
                        .settings(settings)
                        .clock(clock)
                        .globalOpenTelemetry()
                        .build();
                e = new Entry(key, pub);
                OPEN.put(key, e);
            }
            e.users++;
            return new Ref(e);
        }
    }

    /**
     * The registry key of a store URL: an embedded store's directory in absolute, normal form, so that
     * {@code embedded:./data} and {@code embedded:/abs/path/data} naming one directory share one engine.
     */
    static String key(String url) {
        if (!url.startsWith("embedded:")) {
            return url;
        }
        String rest = url.substring("embedded:".length());
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? "" : rest.substring(q);
        try {
            return "embedded:" + Path.of(path).toAbsolutePath().normalize() + query;
        } catch (InvalidPathException e) {
            return url; // the store reports the bad path when it is opened
        }
    }

    private static void release(Entry e) {
        synchronized (OPEN) {
            if (--e.users > 0) {
                return;
            }
            OPEN.remove(e.url);
        }
        e.pub.close();
    }

    static final class Entry {
        final String url;
        final Pub pub;
        /** Destinations known to exist in the store, so sends do not ask the registry every time. */
        final Set<String> knownQueues = ConcurrentHashMap.newKeySet();

        final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
        int users;

        Entry(String url, Pub pub) {
            this.url = url;
            this.pub = pub;
        }
    }

    /** A connection's hold on a shared engine. */
    static final class Ref implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Ref(Entry entry) {
            this.entry = entry;
        }

        Pub pub() {
            return entry.pub;
        }

        Entry entry() {
            return entry;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                release(entry);
            }
        }
    }
}
