package io.pub.couchbase;

import com.couchbase.client.java.Cluster;
import com.couchbase.client.java.manager.collection.CollectionManager;
import io.pub.Stores;
import io.pub.spi.Controller;
import io.pub.spi.ControllerContract;
import io.pub.spi.MutableClock;
import io.pub.spi.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.couchbase.BucketDefinition;
import org.testcontainers.couchbase.CouchbaseContainer;
import org.testcontainers.couchbase.CouchbaseService;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The Controller contract on a real Couchbase Server (community edition) with the collections layout,
 * the scope and collections created as docker-compose.yml creates them. Skipped where Docker is not
 * available. Real Couchbase keeps its own time, so only the logical clock moves; the document expiry
 * of leases and claims is a day beyond their logical expiry and never fires during a test.
 */
@Testcontainers(disabledWithoutDocker = true)
class CouchbaseContainerControllerContractTest extends ControllerContract {
    static final String IMAGE = "couchbase/server:community-7.6.2";
    static final String SCOPE = "default";

    @Container
    static final CouchbaseContainer COUCHBASE = new CouchbaseContainer(IMAGE)
            .withEnabledServices(CouchbaseService.KV)
            .withBucket(new BucketDefinition(CouchbaseConfig.DEFAULT_BUCKET)
                    .withFlushEnabled(true)
                    .withPrimaryIndex(false)
                    .withReplicas(0));

    private static Cluster admin;

    @BeforeAll
    static void createCollections() {
        admin = Cluster.connect(COUCHBASE.getConnectionString(), COUCHBASE.getUsername(), COUCHBASE.getPassword());
        admin.bucket(CouchbaseConfig.DEFAULT_BUCKET).waitUntilReady(Duration.ofSeconds(60));
        CollectionManager collections =
                admin.bucket(CouchbaseConfig.DEFAULT_BUCKET).collections();
        collections.createScope(SCOPE);
        for (String c : Keyspace.COLLECTIONS) {
            collections.createCollection(SCOPE, c);
        }
    }

    @AfterAll
    static void disconnect() {
        if (admin != null) {
            admin.disconnect();
        }
    }

    static String storeUrl() {
        String host = COUCHBASE.getHost();
        return "couchbase://" + host + ":" + COUCHBASE.getBootstrapCarrierDirectPort() + "=kv," + host + ":"
                + COUCHBASE.getBootstrapHttpDirectPort() + "=manager/" + CouchbaseConfig.DEFAULT_BUCKET
                + "?layout=collections&scope=" + SCOPE;
    }

    @Override
    protected Controller open(MutableClock clock) {
        admin.buckets().flushBucket(CouchbaseConfig.DEFAULT_BUCKET);
        return Stores.open(
                storeUrl(),
                Settings.only(Map.of(
                        "COUCHBASE_USERNAME", COUCHBASE.getUsername(),
                        "COUCHBASE_PASSWORD", COUCHBASE.getPassword(),
                        "COUCHBASE_CONNECT_TIMEOUT", "30s")),
                clock);
    }
}
