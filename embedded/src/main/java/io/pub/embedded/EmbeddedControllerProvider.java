package io.pub.embedded;

import io.pub.spi.Controller;
import io.pub.spi.ControllerProvider;
import io.pub.spi.Settings;
import java.net.URI;
import java.time.Clock;

/**
 * {@code embedded:<directory>[?sync=false]}: the store in a local RocksDB directory, the default
 * store. Only one process (and one open store within it) may use a directory at a time. The store
 * never reads the clock: every time it compares comes from the caller.
 */
public final class EmbeddedControllerProvider implements ControllerProvider {
    @Override
    public boolean supports(String scheme) {
        return "embedded".equals(scheme);
    }

    @Override
    public Controller open(URI url, Settings settings, Clock clock) {
        StoreUrl parsed = StoreUrl.parse(url);
        return EmbeddedController.open(parsed.prepareDirectory(), parsed.durable());
    }
}
