package io.pub.couchbase;

import com.couchbase.client.core.diagnostics.EndpointDiagnostics;
import com.couchbase.client.core.error.AuthenticationFailureException;
import com.couchbase.client.core.error.BucketNotFoundException;
import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.core.error.InvalidArgumentException;
import com.couchbase.client.core.error.TimeoutException;
import com.couchbase.client.core.service.ServiceType;
import com.couchbase.client.java.Bucket;
import com.couchbase.client.java.Cluster;
import com.couchbase.client.java.ClusterOptions;
import com.couchbase.client.java.ReactiveCollection;
import com.couchbase.client.java.diagnostics.WaitUntilReadyOptions;
import com.couchbase.client.java.kv.GetOptions;
import io.pub.spi.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/** Connects to Couchbase and turns each way that can fail into a message that says what to fix. */
final class Connector {
    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);

    private static final Duration SLICE = Duration.ofMillis(500);

    private Connector() {}

    /**
     * Connects with the URL's timeouts, and the SDK's logging meter off unless the URL turns it on
     * ({@code loggingMeter.enabled=true}): the latency statistics behind it start a pause detector of
     * three threads that wake every millisecond for the rest of the JVM's life, closed store or not.
     * Pub's own metrics time every store call.
     */
    static CouchbaseController connect(CouchbaseConfig config, Clock clock) {
        Cluster cluster;
        try {
            cluster = Cluster.connect(
                    config.connectionString(),
                    ClusterOptions.clusterOptions(config.username(), config.password())
                            .environment(env -> env.timeoutConfig(t -> t.connectTimeout(config.connectTimeout())
                                            .kvTimeout(config.kvTimeout())
                                            .managementTimeout(config.connectTimeout()))
                                    .loggingMeterConfig(m -> m.enabled(false))));
        } catch (InvalidArgumentException e) {
            throw new IllegalArgumentException(
                    "malformed Couchbase connection string '" + config.redactedUrl() + "': " + e.getMessage(), e);
        } catch (CouchbaseException e) {
            throw new StoreException(
                    "cannot connect to Couchbase at " + config.redactedUrl() + ": " + e.getMessage(), e);
        }
        try {
            Bucket bucket = cluster.bucket(config.bucket());
            waitUntilReady(cluster, bucket, config);
            Keyspace keyspace = Keyspace.of(bucket, config);
            if (config.layout() == CouchbaseConfig.Layout.COLLECTIONS) {
                checkCollections(keyspace, config);
            }
            LOG.info("connected to Couchbase {}", config);
            return new CouchbaseController(
                    cluster,
                    keyspace,
                    clock,
                    "couchbase " + config.redactedUrl(),
                    config.durability(),
                    config.subdocReads(),
                    config.ackLinger(),
                    config.reserveLinger());
        } catch (RuntimeException e) {
            RuntimeException explained = explain(e, cluster, config);
            cluster.disconnect();
            throw explained;
        }
    }

    /**
     * Waits in short slices so that a refused login or a missing bucket, which the SDK keeps retrying
     * until the timeout, fails at once instead of after COUCHBASE_CONNECT_TIMEOUT.
     */
    private static void waitUntilReady(Cluster cluster, Bucket bucket, CouchbaseConfig config) {
        long deadline = System.nanoTime() + config.connectTimeout().toNanos();
        while (true) {
            Duration slice = Duration.ofNanos(Math.min(SLICE.toNanos(), deadline - System.nanoTime()));
            try {
                bucket.waitUntilReady(
                        slice.isNegative() || slice.isZero() ? Duration.ofMillis(1) : slice,
                        WaitUntilReadyOptions.waitUntilReadyOptions().serviceTypes(ServiceType.KV));
                return;
            } catch (TimeoutException e) {
                List<Throwable> failures = connectFailures(cluster);
                boolean refused = failures.stream()
                        .anyMatch(f ->
                                f instanceof AuthenticationFailureException || f instanceof BucketNotFoundException);
                if (refused || System.nanoTime() >= deadline) {
                    throw e;
                }
            }
        }
    }

    /** A get per collection (KV only): an unknown scope or collection fails it. */
    private static void checkCollections(Keyspace keyspace, CouchbaseConfig config) {
        for (ReactiveCollection c : keyspace.all()) {
            try {
                c.get("pub-probe", GetOptions.getOptions().timeout(config.connectTimeout()))
                        .onErrorResume(DocumentNotFoundException.class, e -> Mono.empty())
                        .block();
            } catch (CouchbaseException e) {
                throw new StoreException(
                        "the collection '" + c.name() + "' in scope '" + config.scope()
                                + "' of bucket '" + config.bucket() + "' is missing or unusable ("
                                + e.getClass().getSimpleName()
                                + "). Create the scope and the collections " + Keyspace.COLLECTIONS
                                + " (docker-compose.yml does), set " + CouchbaseConfig.SCOPE
                                + " or the URL option scope, or use the single-collection layout with layout=prefix"
                                + " (" + CouchbaseConfig.LAYOUT + "=prefix)",
                        e);
            }
        }
    }

    private static List<Throwable> connectFailures(Cluster cluster) {
        try {
            return cluster.diagnostics().endpoints().values().stream()
                    .flatMap(List::stream)
                    .map(EndpointDiagnostics::lastConnectAttemptFailure)
                    .flatMap(Optional::stream)
                    .toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static RuntimeException explain(RuntimeException e, Cluster cluster, CouchbaseConfig config) {
        if (e instanceof StoreException) {
            return e;
        }
        String where = "Couchbase at " + config.redactedUrl();
        List<Throwable> failures = e instanceof TimeoutException ? connectFailures(cluster) : List.of();
        if (e instanceof AuthenticationFailureException
                || failures.stream().anyMatch(f -> f instanceof AuthenticationFailureException)) {
            return new StoreException(
                    "authentication failed for user '" + config.username() + "' at " + where
                            + ": check " + CouchbaseConfig.USERNAME + " and " + CouchbaseConfig.PASSWORD
                            + " (or user:password@ in the store URL), and that bucket '" + config.bucket()
                            + "' exists (" + CouchbaseConfig.BUCKET + " or the URL path) and the user may access it",
                    e);
        }
        if (e instanceof BucketNotFoundException
                || failures.stream().anyMatch(f -> f instanceof BucketNotFoundException)) {
            return new StoreException(
                    "bucket '" + config.bucket() + "' does not exist at " + where + ": create it or set "
                            + CouchbaseConfig.BUCKET + " (or the URL path)",
                    e);
        }
        if (e instanceof TimeoutException) {
            return new StoreException(
                    "could not reach bucket '" + config.bucket() + "' at " + where + " within "
                            + config.connectTimeout() + " (" + CouchbaseConfig.CONNECT_TIMEOUT
                            + "): check that the hosts"
                            + " and ports are right and reachable and that the bucket exists; last connection errors: "
                            + failures.stream()
                                    .map(Throwable::toString)
                                    .distinct()
                                    .toList(),
                    e);
        }
        return new StoreException("cannot open " + where + ": " + e.getMessage(), e);
    }
}
