package io.pub.bench;

import io.pub.couchbase.CouchbaseMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.OptionalLong;

/**
 * Pub through its own JNDI factory, on a fresh embedded store or on an in-process CouchbaseMock. The
 * store URL goes through {@link CountingStores} so round trips come from the store's own counter.
 * The mock serves KV from one thread over loopback, so on it only round trips mean anything.
 */
final class PubTarget implements Target {
    private final String name;
    private final String storeUrl;
    private final String factoryOptions;
    private final String description;
    private final boolean speedMeaningful;
    private final AutoCloseable resource;
    private final Path dir;

    private PubTarget(
            String name,
            String storeUrl,
            String factoryOptions,
            String description,
            boolean speedMeaningful,
            AutoCloseable resource,
            Path dir) {
        this.name = name;
        this.storeUrl = storeUrl;
        this.factoryOptions = factoryOptions;
        this.description = description;
        this.speedMeaningful = speedMeaningful;
        this.resource = resource;
        this.dir = dir;
    }

    static PubTarget embedded(String name, String options) throws Exception {
        Path dir = Files.createTempDirectory("bench-" + name + "-");
        return new PubTarget(
                name,
                "embedded:" + dir.toAbsolutePath(),
                options,
                "Pub, embedded store (default durability) in a fresh temp dir",
                true,
                null,
                dir);
    }

    static PubTarget couchbaseMock(String name, String options) {
        CouchbaseMockServer mock = CouchbaseMockServer.start();
        return new PubTarget(
                name,
                mock.storeUrl(),
                options,
                "Pub on CouchbaseMock (in-process, loopback): ROUND TRIPS ONLY, its speed means nothing",
                false,
                mock,
                null);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Hashtable<String, Object> jndi() {
        Hashtable<String, Object> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "io.pub.jms.PubInitialContextFactory");
        env.put("connectionFactory.ConnectionFactory", factoryUrl());
        return env;
    }

    /** The store URL, through the round-trip counter, with the provider's options appended. */
    String factoryUrl() {
        String url = CountingStores.wrap(storeUrl);
        if (factoryOptions.isEmpty()) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + factoryOptions;
    }

    @Override
    public OptionalLong roundTrips() {
        return CountingStores.roundTrips(storeUrl);
    }

    @Override
    public boolean speedMeaningful() {
        return speedMeaningful;
    }

    @Override
    public String describe() {
        return description + (factoryOptions.isEmpty() ? "" : ", factory options " + factoryOptions);
    }

    @Override
    public void close() {
        try {
            if (resource != null) {
                resource.close();
            }
        } catch (Exception e) {
            System.err.println("closing " + name + " failed: " + e);
        } finally {
            Targets.deleteTree(dir);
        }
    }
}
