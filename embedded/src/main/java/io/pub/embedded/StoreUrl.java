package io.pub.embedded;

import io.pub.Stores;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An {@code embedded:} URL: {@code embedded:./pub-data}, {@code embedded:/abs/dir} or
 * {@code embedded:///abs/dir}, with options as a query ({@code ?sync=false&recover=point-in-time},
 * {@code ?readOnly=true}, {@code ?primeLog=false}: see {@link LogPrimer}).
 */
record StoreUrl(Path directory, boolean durable, Recovery recovery, boolean readOnly, boolean primeLog) {
    private static final String FORMS = "embedded:./dir, embedded:/abs/dir or embedded:///abs/dir";
    private static final String OPTIONS = "sync=true|false, recover=" + Recovery.CHOICES.replace(", ", "|")
            + ", readOnly=true|false, primeLog=true|false";

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
        Recovery recovery = Recovery.NONE;
        if (query != null && !query.isEmpty()) {
            for (String option : query.split("&")) {
                String[] kv = option.split("=", 2);
                String value = kv.length > 1 ? kv[1].toLowerCase(Locale.ROOT) : "";
                // readOnly also as readonly: a URL typed by hand in a shell
                switch (kv[0].equals("readOnly") ? "readonly" : kv[0].equals("primeLog") ? "primelog" : kv[0]) {
                    case "sync" -> durable = parseBoolean("sync", value, url);
                    case "readonly" -> readOnly = parseBoolean("readOnly", value, url);
                    case "recover" -> recovery = Recovery.parse(value, url);
                    case "primelog" -> primeLog = parseBoolean("primeLog", value, url);
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
        return new StoreUrl(dir, durable, recovery, readOnly, primeLog);
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
