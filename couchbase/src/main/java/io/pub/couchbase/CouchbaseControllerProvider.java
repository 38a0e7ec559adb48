package io.pub.couchbase;

import io.pub.Settings;
import io.pub.spi.Controller;
import io.pub.spi.ControllerProvider;
import java.net.URI;
import java.time.Clock;

/**
 * Opens the Couchbase store for {@code couchbase://} and {@code couchbases://} (TLS) URLs:
 * {@code couchbase://[user:password@]host1,host2/bucket?scope=...&layout=collections|prefix}. The URL
 * overrides COUCHBASE_USERNAME, COUCHBASE_PASSWORD, COUCHBASE_BUCKET_NAME (pubsub),
 * COUCHBASE_SCOPE_NAME (default), COUCHBASE_LAYOUT (collections) and COUCHBASE_DURABILITY (none);
 * COUCHBASE_CONNECT_TIMEOUT (10s) and COUCHBASE_KV_TIMEOUT (2500ms) bound connecting and each
 * operation. See the module's README for the document layout.
 */
public final class CouchbaseControllerProvider implements ControllerProvider {

    @Override
    public boolean supports(String scheme) {
        return "couchbase".equals(scheme) || "couchbases".equals(scheme);
    }

    @Override
    public void validate(URI url, Settings settings) {
        CouchbaseConfig.validate(url, settings);
    }

    @Override
    public Controller open(URI url, Settings settings, Clock clock) {
        return Connector.connect(CouchbaseConfig.from(url, settings), clock);
    }
}
