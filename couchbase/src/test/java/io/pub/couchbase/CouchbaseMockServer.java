package io.pub.couchbase;

import com.couchbase.mock.Bucket;
import com.couchbase.mock.BucketConfiguration;
import com.couchbase.mock.CouchbaseMock;
import com.couchbase.mock.memcached.Item;
import com.couchbase.mock.memcached.MemcachedServer;
import com.couchbase.mock.memcached.Storage;
import io.pub.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;

/**
 * An in-process CouchbaseMock (1.5.27) set up the way the Couchbase Java SDK 3.x can use it: one
 * Couchbase bucket on one node without replicas, cluster config over KV (CCCP) and the SASL
 * mechanisms the SDK asks for. The mock has no named collections, so {@link #storeUrl()} selects the
 * single-collection layout with key prefixes.
 *
 * <p>The URL carries the host, both ports and the credentials, so any JVM on this machine can open the
 * same store with it ({@code Stores.open(url, ...)}): pass it to a child JVM as an argument or a
 * system property. Its form is {@code
 * couchbase://pubsub:pubsub-secret@127.0.0.1:<kv>=kv,127.0.0.1:<http>=manager/pubsub?layout=prefix&...}.
 * {@link #settings()} holds the same credentials as COUCHBASE_USERNAME / COUCHBASE_PASSWORD for
 * callers that prefer a URL without them ({@link #storeUrlWithoutCredentials()}).
 */
public final class CouchbaseMockServer implements AutoCloseable {
    public static final String BUCKET = "pubsub";
    public static final String PASSWORD = "pubsub-secret";

    /**
     * The single-collection layout (the mock has no named collections) and timeouts that allow for a
     * mock sharing a busy test JVM: the defaults (10s, 2.5s) are meant for real clusters.
     */
    // the mock sizes sub-document results in characters: non-ASCII text in a looked-up path kills
    // its KV thread, so readers fetch whole blocks here (CouchbaseBlocksTest covers the lookups)
    static final String OPTIONS = "layout=prefix&connectTimeout=30s&kvTimeout=10s&subdocReads=false";

    private static final long NO_DELAY_CHECK_MILLIS = 5;

    /** MemcachedServer's selector, which holds the connections it accepted (it has no accessor). */
    private static final Field SELECTOR = selectorField();

    private static final List<String> SASL_MECHANISMS = List.of("SCRAM-SHA512", "SCRAM-SHA256", "SCRAM-SHA1", "PLAIN");

    private final CouchbaseMock mock;
    private final Thread noDelay;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private CouchbaseMockServer(CouchbaseMock mock) {
        this.mock = mock;
        this.noDelay = new Thread(this::keepNoDelay, "couchbase-mock-nodelay");
        noDelay.setDaemon(true);
        noDelay.start();
    }

    /**
     * The mock turns Nagle's algorithm on for every connection it accepts ({@code setTcpNoDelay(false)}
     * in MemcachedServer.handleNewClient), so a response written while an earlier one is not yet
     * acknowledged waits for the client's delayed ACK: 40 ms on Linux. Single synchronous messages took
     * 43 ms each on the mock, and polls that ran meanwhile inflated its round-trip counts. A real
     * Couchbase server sets TCP_NODELAY; so does this, on each connection soon after the mock accepts it.
     */
    private void keepNoDelay() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (SocketChannel c : connections()) {
                    try {
                        if (!c.getOption(StandardSocketOptions.TCP_NODELAY)) {
                            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        }
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
                Thread.sleep(NO_DELAY_CHECK_MILLIS);
            }
        } catch (InterruptedException e) {
            // close()
        }
    }

    /** Whether each of the mock's open client connections has TCP_NODELAY set (for a test). */
    List<Boolean> connectionsNoDelay() throws IOException {
        List<Boolean> out = new ArrayList<>();
        for (SocketChannel c : connections()) {
            out.add(c.getOption(StandardSocketOptions.TCP_NODELAY));
        }
        return out;
    }

    /**
     * The client connections the mock's servers have registered; none from a server whose key set
     * changed while read (the mock's thread registered a connection meanwhile: the next look sees it).
     */
    private List<SocketChannel> connections() {
        List<SocketChannel> out = new ArrayList<>();
        for (MemcachedServer server : mock.getBuckets().get(BUCKET).getServers()) {
            Selector selector;
            try {
                selector = (Selector) SELECTOR.get(server);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read CouchbaseMock's selector", e);
            }
            if (selector == null || !selector.isOpen()) {
                continue;
            }
            try {
                for (SelectionKey key : new ArrayList<>(selector.keys())) {
                    if (key.channel() instanceof SocketChannel c && c.isOpen()) {
                        out.add(c);
                    }
                }
            } catch (ConcurrentModificationException | ClosedSelectorException e) {
                // see above
            }
        }
        return out;
    }

    private static Field selectorField() {
        try {
            Field f = MemcachedServer.class.getDeclaredField("selector");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("CouchbaseMock's MemcachedServer has no selector field", e);
        }
    }

    /** Starts a mock on random loopback ports; about a second. */
    public static CouchbaseMockServer start() {
        BucketConfiguration bucket = new BucketConfiguration();
        bucket.name = BUCKET;
        bucket.password = PASSWORD;
        bucket.type = Bucket.BucketType.COUCHBASE;
        bucket.numNodes = 1;
        bucket.numReplicas = 0;
        bucket.numVBuckets = 1024;
        bucket.hostname = "127.0.0.1";
        try {
            CouchbaseMock mock = new CouchbaseMock(0, List.of(bucket));
            mock.start();
            mock.waitForStartup();
            for (MemcachedServer server : mock.getBuckets().get(BUCKET).getServers()) {
                server.setCccpEnabled(true);
                server.setSaslMechanisms(SASL_MECHANISMS);
            }
            return new CouchbaseMockServer(mock);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start CouchbaseMock", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting CouchbaseMock", e);
        }
    }

    public int kvPort() {
        return mock.getCarrierPort(BUCKET);
    }

    public int httpPort() {
        return mock.getHttpPort();
    }

    /** The seed nodes in Couchbase connection-string form (no scheme), usable from any local JVM. */
    public String hosts() {
        return "127.0.0.1:" + kvPort() + "=kv,127.0.0.1:" + httpPort() + "=manager";
    }

    /** A Pub store URL with credentials, host and ports: opens this mock from any JVM on loopback. */
    public String storeUrl() {
        return "couchbase://" + BUCKET + ":" + PASSWORD + "@" + hosts() + "/" + BUCKET + "?" + OPTIONS;
    }

    /** The same URL without credentials; use it with {@link #settings()}. */
    public String storeUrlWithoutCredentials() {
        return "couchbase://" + hosts() + "/" + BUCKET + "?" + OPTIONS;
    }

    /** COUCHBASE_USERNAME and COUCHBASE_PASSWORD for this mock (then system properties, environment). */
    public Settings settings() {
        return Settings.of(Map.of("COUCHBASE_USERNAME", BUCKET, "COUCHBASE_PASSWORD", PASSWORD));
    }

    /** Removes every document. */
    public void flush() {
        for (MemcachedServer server : mock.getBuckets().get(BUCKET).getServers()) {
            server.flushAll();
        }
    }

    /** The ids of every document the mock holds, in no order. */
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        for (MemcachedServer server : mock.getBuckets().get(BUCKET).getServers()) {
            for (Item item : server.getStorage().getMasterStore(Storage.StorageType.CACHE)) {
                out.add(item.getKeySpec().key);
            }
        }
        return out;
    }

    /** Moves the mock's clock forward, so documents whose expiry has passed disappear. */
    public void timeTravel(Duration offset) {
        URI uri = URI.create("http://127.0.0.1:" + httpPort() + "/mock/time_travel?Offset=" + offset.toSeconds());
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("time travel failed: HTTP " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("time travel failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during time travel", e);
        }
    }

    /**
     * Runs a mock until this process is stopped, printing its store URL: handy for trying the JMS
     * samples or the benchmark against "Couchbase" on a machine without one (class path: this module's
     * test classes and test dependencies).
     */
    public static void main(String[] args) throws InterruptedException {
        CouchbaseMockServer server = start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("PUB_STORE_URL=" + server.storeUrl());
        Thread.currentThread().join();
    }

    @Override
    public void close() {
        noDelay.interrupt();
        mock.stop();
    }
}
