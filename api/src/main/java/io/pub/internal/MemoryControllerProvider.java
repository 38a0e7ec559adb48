package io.pub.internal;

import io.pub.Settings;
import io.pub.spi.Controller;
import io.pub.spi.ControllerProvider;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** {@code mem:name}: the in-memory reference store, shared by name within one JVM. */
public final class MemoryControllerProvider implements ControllerProvider {
    private static final Map<String, MemoryController> OPEN = new HashMap<>();
    private static final Map<String, Integer> USERS = new HashMap<>();

    @Override
    public boolean supports(String scheme) {
        return "mem".equals(scheme);
    }

    @Override
    public void validate(URI url, Settings settings) {
        name(url);
    }

    private static String name(URI url) {
        String name = url.getSchemeSpecificPart();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a mem: store URL needs a name, e.g. mem:test");
        }
        if (name.contains("?")) {
            throw new IllegalArgumentException("unknown option in the mem: store URL 'mem:" + name
                    + "': the in-memory store has no options (mem:<name>)");
        }
        return name;
    }

    @Override
    public Controller open(URI url, Settings settings, Clock clock) {
        String name = name(url);
        synchronized (OPEN) {
            MemoryController c = OPEN.computeIfAbsent(name, n -> new MemoryController(n, () -> closed(n)));
            USERS.merge(name, 1, Integer::sum);
            return c;
        }
    }

    private static void closed(String name) {
        synchronized (OPEN) {
            if (USERS.merge(name, -1, Integer::sum) <= 0) {
                USERS.remove(name);
                OPEN.remove(name);
            }
        }
    }
}
