package io.pub;

import io.pub.spi.Controller;
import io.pub.spi.ControllerProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Opens a store by URL. The scheme picks the store among those on the class path
 * ({@code embedded:}, {@code couchbase://}, {@code couchbases://}, {@code mem:}).
 */
public final class Stores {
    /** The setting that holds the store URL. */
    public static final String URL_SETTING = "PUB_STORE_URL";
    /** Where the embedded store lives when nothing is configured. */
    public static final String DEFAULT_URL = "embedded:./pub-data";

    /**
     * Something in this process that keeps stores open while nobody uses them (the JMS provider keeps
     * an idle store open for a while, so a connection per operation does not reopen it). Before a store
     * is opened, each holder lets go of an idle store of the same URL: the embedded store can be open
     * only once per process, and an application that mixes JMS and the native API on one directory
     * must not fail because JMS is lingering.
     */
    public interface IdleHolder {
        /** Closes the idle store this holder keeps for {@code url}, if any; never one in use. */
        void releaseIdle(String url);
    }

    private static final List<IdleHolder> IDLE_HOLDERS = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Registers {@code holder} for the life of the process (once per holder). */
    public static void registerIdleHolder(IdleHolder holder) {
        if (!IDLE_HOLDERS.contains(holder)) {
            IDLE_HOLDERS.add(holder);
        }
    }

    /** Stores opened through this class and not yet collected, for process-wide figures. */
    private static final java.util.Set<Controller> OPENED =
            java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    private Stores() {}

    /**
     * The stores this process opened by URL (JMS connection factories, the native API), for tools
     * such as the benchmark that read {@link Controller#roundTrips()} around a workload.
     */
    public static List<Controller> opened() {
        synchronized (OPENED) {
            return List.copyOf(OPENED);
        }
    }

    /**
     * The configured store URL: PUB_STORE_URL, else COUCHBASE_CONNECTION_STRING (the seed's setting),
     * else the embedded store in ./pub-data.
     */
    public static String configuredUrl(Settings settings) {
        return settings.get(URL_SETTING)
                .or(() -> settings.get("COUCHBASE_CONNECTION_STRING"))
                .orElse(DEFAULT_URL);
    }

    public static Controller open(Settings settings, Clock clock) {
        return open(configuredUrl(settings), settings, clock);
    }

    public static Controller open(String url, Settings settings, Clock clock) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(URL_SETTING + " must be a store URL such as " + DEFAULT_URL
                    + " or couchbase://host/bucket, was empty");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    URL_SETTING + " is not a valid URL ('" + redact(url) + "'): " + e.getReason(), e);
        }
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw new IllegalArgumentException(URL_SETTING + " must start with a scheme (embedded:, couchbase://,"
                    + " couchbases://, mem:), was '" + redact(url) + "'");
        }
        for (IdleHolder h : IDLE_HOLDERS) {
            h.releaseIdle(url.trim());
        }
        List<String> known = new ArrayList<>();
        for (ControllerProvider p : ServiceLoader.load(ControllerProvider.class, Stores.class.getClassLoader())) {
            if (p.supports(scheme)) {
                Controller c = p.open(uri, settings, clock);
                synchronized (OPENED) {
                    OPENED.add(c);
                }
                return c;
            }
            known.add(p.getClass().getSimpleName());
        }
        throw new IllegalArgumentException("unknown store scheme '" + scheme + "' in " + URL_SETTING
                + ": expected embedded:, couchbase://, couchbases:// or mem: (store providers on the class path: "
                + known + "; add the store's jar for its scheme)");
    }

    /**
     * Checks a store URL's options without opening anything (see {@link ControllerProvider#validate}):
     * false if no store on the class path handles its scheme, IllegalArgumentException naming what is
     * wrong if its store refuses it.
     */
    public static boolean validate(URI url, Settings settings) {
        String scheme = url.getScheme();
        for (ControllerProvider p : ServiceLoader.load(ControllerProvider.class, Stores.class.getClassLoader())) {
            if (p.supports(scheme)) {
                p.validate(url, settings);
                return true;
            }
        }
        return false;
    }

    /** The URL with any password (user:password@) hidden, for messages and logs. */
    public static String redact(String url) {
        return url == null ? null : url.replaceAll("(//[^/:@]*:)[^@/]*@", "$1****@");
    }
}
