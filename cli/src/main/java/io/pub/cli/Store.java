package io.pub.cli;

import io.pub.Pub;
import io.pub.Stores;
import io.pub.embedded.EmbeddedStore;
import io.pub.spi.Controller;
import io.pub.spi.StoreException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The store a command works on. Commands that only read open an embedded store read-only (RocksDB's
 * read-only mode: no lock, so they work while an application has the store open); commands that change
 * it open it as applications do, and say clearly who holds it when that fails. A Couchbase store is
 * opened the same way either way: many processes share it.
 */
final class Store implements AutoCloseable {
    enum Access {
        /** Looks only. */
        READ,
        /** Changes an existing store. */
        WRITE,
        /** Changes a store, creating an embedded one where none is yet. */
        CREATE
    }

    private final String url;
    private final Controller controller;
    private final Env env;
    private Pub pub;

    private Store(String url, Controller controller, Env env) {
        this.url = url;
        this.controller = controller;
        this.env = env;
    }

    static Store open(String url, Env env, Access access, String command) {
        String scheme = scheme(url);
        String opened = url;
        if ("embedded".equals(scheme)) {
            Path dir = embeddedDirectory(url);
            if (access == Access.READ) {
                opened =
                        url.contains("readOnly=") || url.contains("readonly=") ? url : withOption(url, "readOnly=true");
            } else if (access == Access.WRITE && !Files.exists(dir.resolve("CURRENT"))) {
                throw CliException.badInput("there is no embedded store in " + dir + " (--store or PUB_STORE_URL)");
            }
        }
        try {
            return new Store(url, Stores.open(opened, env.settings(), env.clock()), env);
        } catch (IllegalArgumentException e) {
            // the store names the setting its URL came from; here it may have come from --store
            String why = String.valueOf(e.getMessage()).replaceFirst("^" + Stores.URL_SETTING + ": ", "");
            throw CliException.badInput("cannot open the store " + Stores.redact(url) + ": " + why);
        } catch (StoreException e) {
            String why = String.valueOf(e.getMessage());
            if ("embedded".equals(scheme) && why.contains("is already open")) {
                Path dir = embeddedDirectory(url);
                OptionalLong pid = LockHolder.of(dir);
                throw CliException.failed("the embedded store in " + dir + " is open in "
                        + (pid.isPresent() ? "process " + pid.getAsLong() : "another process")
                        + ", and only one process may write to it at a time: `pub " + command
                        + "` changes the store, so stop that process (the application) first. The commands that"
                        + " only look (topics, subscriptions, stat, browse, check) work while it runs");
            }
            throw CliException.failed("cannot open the store " + Stores.redact(url) + ": " + why);
        }
    }

    static String scheme(String url) {
        if (url == null || url.isBlank()) {
            throw CliException.badInput("no store given: pass --store URL or set PUB_STORE_URL");
        }
        try {
            return new URI(url.trim()).getScheme();
        } catch (URISyntaxException e) {
            throw CliException.badInput(
                    "the store URL '" + Stores.redact(url) + "' is not a valid URL: " + e.getReason());
        }
    }

    /** The directory of an {@code embedded:} URL, as the embedded store reads it. */
    static Path embeddedDirectory(String url) {
        try {
            URI u = new URI(url.trim());
            String path = u.isOpaque() ? u.getSchemeSpecificPart() : u.getPath();
            int q = path.indexOf('?');
            if (q >= 0) {
                path = path.substring(0, q);
            }
            if (path.isBlank()) {
                throw CliException.badInput("the embedded store URL '" + url + "' names no directory");
            }
            return Path.of(path).toAbsolutePath().normalize();
        } catch (URISyntaxException | InvalidPathException e) {
            throw CliException.badInput("the store URL '" + url + "' is not valid: " + e.getMessage());
        }
    }

    private static String withOption(String url, String option) {
        return url + (url.contains("?") ? "&" : "?") + option;
    }

    Controller controller() {
        return controller;
    }

    String url() {
        return Stores.redact(url);
    }

    String kind() {
        return controller.kind();
    }

    Env env() {
        return env;
    }

    /**
     * The engine on this store, for publishing and consuming; housekeeping off: the tool runs none.
     * Without Micrometer on the class path (the tool does not bring it) the engine keeps no meters.
     */
    Pub pub() {
        if (pub == null) {
            pub = Pub.builder()
                    .controller(controller)
                    .settings(env.settings())
                    .clock(env.clock())
                    .config(Pub.Config.from(env.settings()).withHousekeepingInterval(Duration.ZERO))
                    .build();
        }
        return pub;
    }

    /** A read-only embedded store catches up with what its writer did since; others see it already. */
    void refresh() {
        if (controller instanceof EmbeddedStore e) {
            e.refresh();
        }
    }

    long now() {
        return env.clock().millis();
    }

    @Override
    public void close() {
        try {
            if (pub != null) {
                pub.close();
            }
        } finally {
            controller.close();
        }
    }
}
