package io.pub.chaos;

import io.pub.Settings;
import io.pub.Stores;
import io.pub.spi.Controller;
import io.pub.spi.ControllerProvider;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code chaos:<store URL>}, e.g. {@code chaos:embedded:/tmp/data} or {@code chaos:couchbase://host/bucket}:
 * the wrapped store with faults injected as the control file named by the setting {@code CHAOS_CONTROL}
 * says (see {@link Control}); without that setting no faults are injected.
 */
public final class ChaosStoreProvider implements ControllerProvider {
    /** The setting naming the control file. */
    static final String CONTROL_SETTING = "CHAOS_CONTROL";

    private static final Map<Path, ControlWatcher> WATCHERS = new ConcurrentHashMap<>();
    private static volatile ChaosController last;

    @Override
    public boolean supports(String scheme) {
        return "chaos".equals(scheme);
    }

    @Override
    public Controller open(URI url, Settings settings, Clock clock) {
        String inner = url.toString().substring("chaos:".length());
        if (inner.isBlank()) {
            throw new IllegalArgumentException(
                    "a chaos: store URL wraps another store URL, e.g. chaos:embedded:/tmp/data, was '" + url + "'");
        }
        Supplier<Control> control = settings.get(CONTROL_SETTING)
                .<Supplier<Control>>map(p -> WATCHERS.computeIfAbsent(Path.of(p), ControlWatcher::start))
                .orElse(Control::quiet);
        ChaosController c = new ChaosController(Stores.open(inner, settings, clock), control);
        last = c;
        return c;
    }

    /** The chaos store opened last in this JVM, if any. */
    static ChaosController last() {
        return last;
    }
}
