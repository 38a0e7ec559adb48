package io.pub.couchbase;

import com.couchbase.client.java.Cluster;
import com.couchbase.client.java.manager.collection.CollectionManager;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.spi.Controller;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.testcontainers.couchbase.BucketDefinition;
import org.testcontainers.couchbase.CouchbaseContainer;
import org.testcontainers.couchbase.CouchbaseService;

/**
 * One Couchbase Server container (community edition) for the test classes that need a real one,
 * started on first use and set up as docker-compose.yml sets up its cluster: bucket pubsub with scope
 * "default" and the five collections. Callers are annotated to be skipped without Docker.
 */
final class RealCouchbase {
    static final String IMAGE = "couchbase/server:community-7.6.2";
    static final String SCOPE = "default";

    private static CouchbaseContainer container;
    private static Cluster admin;

    private RealCouchbase() {}

    static synchronized void start() {
        if (container != null) {
            return;
        }
        CouchbaseContainer c = new CouchbaseContainer(IMAGE)
                .withEnabledServices(CouchbaseService.KV)
                .withBucket(new BucketDefinition(CouchbaseConfig.DEFAULT_BUCKET)
                        .withFlushEnabled(true)
                        .withPrimaryIndex(false)
                        .withReplicas(0));
        c.start(); // stopped by the Testcontainers reaper when the test JVM exits
        admin = Cluster.connect(c.getConnectionString(), c.getUsername(), c.getPassword());
        admin.bucket(CouchbaseConfig.DEFAULT_BUCKET).waitUntilReady(Duration.ofSeconds(60));
        CollectionManager collections =
                admin.bucket(CouchbaseConfig.DEFAULT_BUCKET).collections();
        collections.createScope(SCOPE);
        for (String name : Keyspace.COLLECTIONS) {
            collections.createCollection(SCOPE, name);
        }
        container = c;
    }

    static String storeUrl() {
        String host = container.getHost();
        return "couchbase://" + host + ":" + container.getBootstrapCarrierDirectPort() + "=kv," + host + ":"
                + container.getBootstrapHttpDirectPort() + "=manager/" + CouchbaseConfig.DEFAULT_BUCKET
                + "?layout=collections&scope=" + SCOPE;
    }

    static Settings settings() {
        return Settings.only(Map.of(
                "COUCHBASE_USERNAME", container.getUsername(),
                "COUCHBASE_PASSWORD", container.getPassword(),
                "COUCHBASE_CONNECT_TIMEOUT", "30s"));
    }

    /** An empty store: the bucket is flushed first. */
    static Controller open(Clock clock) {
        start();
        admin.buckets().flushBucket(CouchbaseConfig.DEFAULT_BUCKET);
        return Stores.open(storeUrl(), settings(), clock);
    }
}
