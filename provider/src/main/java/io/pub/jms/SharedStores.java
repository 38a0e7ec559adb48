package io.pub.jms;

import io.pub.Pub;
import io.pub.Settings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link Pub} per store URL in this JVM, shared by every connection that uses it. Sharing is
 * required, not an optimisation: the embedded store can be opened only once per process. The first
 * opener's settings and clock decide the engine's configuration.
 *
 * <p>Lifecycle: connections hold counted references. When the last one is released the engine stays
 * open for {@code PUB_STORE_LINGER} (default 10s) and is closed only if nobody acquired it meanwhile,
 * so an application that opens a connection per operation (JmsTemplate or camel-jms on a plain
 * factory) does not reopen RocksDB each time. Opening and closing happen under one lock, so an open
 * never races a close of the same store. Engines still lingering when the JVM exits are closed by a
 * shutdown hook. {@code PUB_STORE_LINGER=0} closes with the last connection.
 */
final class SharedStores {
    static final String LINGER = "PUB_STORE_LINGER";
    static final Duration DEFAULT_LINGER = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(SharedStores.class);
    private static final Map<String, Entry> OPEN = new HashMap<>();
    private static ScheduledThreadPoolExecutor timer;

    static {
        // a native-API open of a directory a lingering JMS engine holds closes that engine first
        io.pub.Stores.registerIdleHolder(SharedStores::closeIdle);
    }

    private SharedStores() {}

    /** A reference to the shared engine of {@code url}; close it exactly once. */
    static Ref acquire(String url, Settings settings, Clock clock) {
        Duration linger = linger(settings);
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
                e = new Entry(key, pub, linger);
                OPEN.put(key, e);
            }
            if (e.pendingClose != null) {
                e.pendingClose.cancel(false);
                e.pendingClose = null;
            }
            e.users++;
            return new Ref(e);
        }
    }

    private static Duration linger(Settings settings) {
        Duration d = settings.getDuration(LINGER, DEFAULT_LINGER);
        if (d.isNegative()) {
            throw new IllegalArgumentException(LINGER + " must be a duration of 0 or more, was " + d);
        }
        return d;
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

    /** Whether an engine for {@code url} is open in this JVM (in use or lingering). */
    static boolean isOpen(String url) {
        synchronized (OPEN) {
            return OPEN.containsKey(key(url));
        }
    }

    /** The close an idle engine of {@code url} waits for (its linger), or null; for tests. */
    static Future<?> pendingClose(String url) {
        synchronized (OPEN) {
            Entry e = OPEN.get(key(url));
            return e == null ? null : e.pendingClose;
        }
    }

    private static void release(Entry e) {
        synchronized (OPEN) {
            if (--e.users > 0) {
                return;
            }
            if (e.linger.isZero()) {
                closeLocked(e);
            } else {
                e.pendingClose = timer().schedule(() -> closeIfIdle(e), e.linger.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    private static void closeIfIdle(Entry e) {
        synchronized (OPEN) {
            e.pendingClose = null; // this is it, running: not to be cancelled by the close below
            if (e.users == 0 && OPEN.get(e.url) == e) {
                closeLocked(e);
            }
        }
    }

    /**
     * Closes under the registry's lock: an acquire of the same URL waits for the close to finish
     * instead of opening the directory while RocksDB still holds it.
     */
    private static void closeLocked(Entry e) {
        OPEN.remove(e.url);
        if (e.pendingClose != null) {
            e.pendingClose.cancel(false);
            e.pendingClose = null;
        }
        try {
            e.pub.close();
        } catch (RuntimeException ex) {
            LOG.error("closing the store {} failed", e.url, ex);
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "pub-store-linger");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(SharedStores::closeLingering, "pub-store-shutdown"));
            } catch (IllegalStateException | SecurityException ex) {
                LOG.debug("no shutdown hook for lingering stores", ex);
            }
        }
        return timer;
    }

    /** Closes the idle engine of {@code url}'s store (an embedded store by directory), if there is one. */
    static void closeIdle(String url) {
        String store = withoutQuery(key(url));
        synchronized (OPEN) {
            for (Entry e : new ArrayList<>(OPEN.values())) {
                if (e.users == 0 && withoutQuery(e.url).equals(store)) {
                    closeLocked(e);
                }
            }
        }
    }

    private static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /** Closes every engine no connection uses; engines in use belong to their connections. */
    static void closeLingering() {
        synchronized (OPEN) {
            List<Entry> idle = new ArrayList<>();
            for (Entry e : OPEN.values()) {
                if (e.users == 0) {
                    idle.add(e);
                }
            }
            idle.forEach(SharedStores::closeLocked);
        }
    }

    static final class Entry {
        final String url;
        final Pub pub;
        final Duration linger;
        /** Destinations known to exist in the store, so sends do not ask the registry every time. */
        final Set<String> knownQueues = ConcurrentHashMap.newKeySet();

        final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
        int users;
        ScheduledFuture<?> pendingClose;

        Entry(String url, Pub pub, Duration linger) {
            this.url = url;
            this.pub = pub;
            this.linger = linger;
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
