package io.pub.spi;

import io.pub.Settings;
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
     * Checks a store URL without opening anything: its form and its options, so that a mistake such
     * as an unknown option fails where the URL is configured (a connection factory is constructed),
     * not at the first connection. Throws IllegalArgumentException naming what is wrong and what was
     * expected. The default accepts every URL; {@link #open} still checks everything.
     */
    default void validate(URI url, Settings settings) {}

    /**
     * Opens the store. {@code url} is the store URL; {@code settings} resolves further settings by
     * name (environment variables and system properties, e.g. COUCHBASE_USERNAME).
     */
    Controller open(URI url, Settings settings, Clock clock);
}
