package io.pub.embedded;

import io.pub.Settings;
import io.pub.Stores;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.rocksdb.CompressionType;

/**
 * An {@code embedded:} URL: {@code embedded:./pub-data}, {@code embedded:/abs/dir} or
 * {@code embedded:///abs/dir}, with options as a query ({@code ?sync=false&recover=point-in-time},
 * {@code ?readOnly=true}, {@code ?primeLog=false}: see {@link LogPrimer}, {@code ?ackLinger=5ms},
 * {@code ?compression=lz4}).
 */
record StoreUrl(
        Path directory,
        boolean durable,
        Recovery recovery,
        boolean readOnly,
        boolean primeLog,
        Duration ackLinger,
        Compression compression) {
    /**
     * How long the engine holds a background acknowledgement so that those after it share its write
     * ({@link io.pub.spi.Controller#acknowledgementLinger}). Not for the write itself, which costs
     * little, but for the thread hand-offs around it: without a linger a consumer acknowledging each
     * message (AUTO_ACKNOWLEDGE) woke the acknowledgement thread and the background writer once per
     * message, a fifth of the CPU of a producer and consumer at 4,000 msg/s (bench/RESULTS.md). A
     * crash within it redelivers those messages, as for any background acknowledgement.
     */
    static final Duration DEFAULT_ACK_LINGER = Duration.ofMillis(2);

    static final Duration MAX_ACK_LINGER = Duration.ofSeconds(1);
    private static final String FORMS = "embedded:./dir, embedded:/abs/dir or embedded:///abs/dir";
    private static final String OPTIONS = "sync=true|false, recover=" + Recovery.CHOICES.replace(", ", "|")
            + ", readOnly=true|false, primeLog=true|false, ackLinger=<0ms to 1s>, compression="
            + Compression.CHOICES;

    /**
     * How the store compresses the table files it writes from now on; each file records its own, so
     * files written under another setting still read. A store's messages mostly live a short while
     * and bodies are often compressed already (or encrypted), so compressing them costs CPU on every
     * flush and read for little: {@code none} by default. A store that keeps large compressible
     * backlogs (JSON or text bodies left unconsumed) saves disk with {@code lz4} (fast) or
     * {@code zstd} (smaller, slower).
     */
    enum Compression {
        NONE(CompressionType.NO_COMPRESSION),
        SNAPPY(CompressionType.SNAPPY_COMPRESSION),
        LZ4(CompressionType.LZ4_COMPRESSION),
        ZSTD(CompressionType.ZSTD_COMPRESSION);

        static final Compression DEFAULT = NONE;
        static final String CHOICES = "none|snappy|lz4|zstd";

        private final CompressionType rocks;

        Compression(CompressionType rocks) {
            this.rocks = rocks;
        }

        CompressionType rocks() {
            return rocks;
        }

        static Compression parse(String value, URI url) {
            for (Compression c : values()) {
                if (c.name().toLowerCase(Locale.ROOT).equals(value)) {
                    return c;
                }
            }
            throw new IllegalArgumentException(Stores.URL_SETTING + ": the embedded store option compression must be"
                    + " one of " + CHOICES + ", was '" + value + "' in '" + url + "'");
        }
    }

    static StoreUrl parse(URI url) {
        String path;
        String query;
        if (url.isOpaque()) {
            // embedded:./dir?x=y is opaque: java.net.URI leaves its query inside the scheme-specific part
            String ssp = url.getSchemeSpecificPart();
            int q = ssp.indexOf('?');
            path = q < 0 ? ssp : ssp.substring(0, q);
            query = q < 0 ? null : ssp.substring(q + 1);
        } else {
            if (url.getAuthority() != null) {
                throw new IllegalArgumentException(Stores.URL_SETTING + ": an embedded store URL names a local"
                        + " directory (" + FORMS + "), not a host; was '" + url + "'");
            }
            path = url.getPath();
            query = url.getQuery();
        }
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException(Stores.URL_SETTING + ": an embedded store URL needs a directory ("
                    + FORMS + "), was '" + url + "'");
        }
        boolean durable = true;
        boolean readOnly = false;
        boolean primeLog = true;
        Duration ackLinger = DEFAULT_ACK_LINGER;
        Recovery recovery = Recovery.NONE;
        Compression compression = Compression.DEFAULT;
        if (query != null && !query.isEmpty()) {
            for (String option : query.split("&")) {
                String[] kv = option.split("=", 2);
                String value = kv.length > 1 ? kv[1].toLowerCase(Locale.ROOT) : "";
                // any case (readOnly also as readonly): a URL typed by hand in a shell
                switch (kv[0].toLowerCase(Locale.ROOT)) {
                    case "sync" -> durable = parseBoolean("sync", value, url);
                    case "readonly" -> readOnly = parseBoolean("readOnly", value, url);
                    case "recover" -> recovery = Recovery.parse(value, url);
                    case "primelog" -> primeLog = parseBoolean("primeLog", value, url);
                    case "acklinger" -> ackLinger = parseLinger(value, url);
                    case "compression" -> compression = Compression.parse(value, url);
                    default ->
                        throw new IllegalArgumentException(Stores.URL_SETTING + ": unknown embedded store option '"
                                + kv[0] + "' in '" + url + "'; known options: " + OPTIONS);
                }
            }
        }
        if (readOnly && recovery != Recovery.NONE) {
            throw new IllegalArgumentException(Stores.URL_SETTING + ": the embedded store options readOnly and recover"
                    + " cannot be combined (recovering rewrites the store), in '" + url + "'");
        }
        Path dir;
        try {
            dir = Path.of(path).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(
                    Stores.URL_SETTING + ": '" + path + "' is not a valid directory path: " + e.getMessage(), e);
        }
        return new StoreUrl(dir, durable, recovery, readOnly, primeLog, ackLinger, compression);
    }

    private static Duration parseLinger(String value, URI url) {
        String name = Stores.URL_SETTING + ": the embedded store option ackLinger";
        // a setting left blank takes its default, but an option named without a value is a mistake
        if (value.isBlank()) {
            throw new IllegalArgumentException(
                    name + " needs a duration between 0ms and 1s such as 5ms, was empty in '" + url + "'");
        }
        Duration linger;
        try {
            linger = Settings.only(Map.of(name, value)).getDuration(name, DEFAULT_ACK_LINGER);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " in '" + url + "'", e);
        }
        if (linger.isNegative() || linger.compareTo(MAX_ACK_LINGER) > 0) {
            throw new IllegalArgumentException(name + " must be between 0ms and " + Settings.format(MAX_ACK_LINGER)
                    + ", was '" + value + "' in '" + url + "'");
        }
        return linger;
    }

    private static boolean parseBoolean(String option, String value, URI url) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new IllegalArgumentException(Stores.URL_SETTING + ": the embedded store option " + option
                        + " must be true or false, was '" + value + "' in '" + url + "'");
        };
    }
}
