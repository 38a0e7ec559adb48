package io.pub.bench;

import io.pub.Settings;
import io.pub.Stores;
import io.pub.spi.Controller;
import io.pub.spi.ControllerProvider;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The store scheme {@code bench:<store url>}: opens the store named by the rest of the URL through
 * {@link Stores#open} as usual and remembers the Controller it returns, so the benchmark can read that
 * store's own {@link Controller#roundTrips()} counter. The JMS provider opens its store by URL through
 * ServiceLoader, so this needs nothing from the provider beyond the public SPI; the Controller handed
 * back is the store's own, unwrapped.
 */
public final class CountingStores implements ControllerProvider {
    static final String SCHEME = "bench";

    private static final Map<String, List<Controller>> OPENED = new ConcurrentHashMap<>();

    /** The URL that makes the provider open {@code storeUrl} through this class. */
    static String wrap(String storeUrl) {
        return SCHEME + ":" + storeUrl;
    }

    /** Round trips of every store opened for {@code storeUrl} so far; empty if none was opened. */
    static java.util.OptionalLong roundTrips(String storeUrl) {
        List<Controller> controllers = OPENED.get(storeUrl);
        if (controllers == null || controllers.isEmpty()) {
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of(
                controllers.stream().mapToLong(Controller::roundTrips).sum());
    }

    @Override
    public boolean supports(String scheme) {
        return SCHEME.equals(scheme);
    }

    @Override
    public Controller open(URI url, Settings settings, Clock clock) {
        String inner = url.getRawSchemeSpecificPart();
        if (inner == null || inner.isBlank() || inner.startsWith(SCHEME + ":")) {
            throw new IllegalArgumentException(
                    "a " + SCHEME + ": store URL must wrap another store URL, e.g. bench:embedded:/tmp/x, was '"
                            + Stores.redact(url.toString()) + "'");
        }
        Controller controller = Stores.open(inner, settings, clock);
        OPENED.computeIfAbsent(inner, k -> new CopyOnWriteArrayList<>()).add(controller);
        return controller;
    }
}
