package io.pub.spi;

import java.net.URI;
import java.time.Clock;

/**
 * Opens a {@link Controller} for the URL schemes it supports. Stores register an implementation in
 * {@code META-INF/services/io.pub.spi.ControllerProvider}; adding a store's jar is all it takes.
 */
public interface ControllerProvider {

    /** True if this store handles URLs of this scheme (e.g. "embedded", "couchbase"). */
    boolean supports(String scheme);

    /**
     * Opens the store. {@code url} is the store URL; {@code settings} resolves further settings by
     * name (environment variables and system properties, e.g. COUCHBASE_USERNAME).
     */
    Controller open(URI url, Settings settings, Clock clock);
}
