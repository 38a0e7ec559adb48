package io.pub.couchbase;

import com.couchbase.client.core.env.ConnectionStringPropertyLoader;
import com.couchbase.client.core.error.InvalidArgumentException;
import com.couchbase.client.core.msg.kv.DurabilityLevel;
import com.couchbase.client.core.util.ConnectionString;
import com.couchbase.client.java.env.ClusterEnvironment;
import io.pub.Settings;
import io.pub.Stores;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how to reach Couchbase, from a store URL and the settings. The URL wins over the
 * settings: {@code couchbase[s]://[user:password@]host1[:port[=kv|manager]],host2/bucket?scope=s&layout=collections|prefix}
 * (also {@code durability}, {@code connectTimeout}, {@code kvTimeout}, {@code subdocReads},
 * {@code ackLinger}, {@code reserveLinger}). Other
 * query parameters go to
 * the SDK as connection-string parameters. {@code subdocReads=false} makes readers fetch whole
 * message blocks instead of sub-document paths, for servers that mishandle them (CouchbaseMock sizes
 * sub-document results in characters, so non-ASCII text in a looked-up path kills its KV thread).
 */
record CouchbaseConfig(
        String connectionString,
        String username,
        String password,
        String bucket,
        String scope,
        Layout layout,
        Duration connectTimeout,
        Duration kvTimeout,
        DurabilityLevel durability,
        boolean subdocReads,
        Duration ackLinger,
        Duration reserveLinger,
        String redactedUrl) {

    static final String CONNECTION_STRING = "COUCHBASE_CONNECTION_STRING";
    static final String USERNAME = "COUCHBASE_USERNAME";
    static final String PASSWORD = "COUCHBASE_PASSWORD";
    static final String BUCKET = "COUCHBASE_BUCKET_NAME";
    static final String SCOPE = "COUCHBASE_SCOPE_NAME";
    static final String LAYOUT = "COUCHBASE_LAYOUT";
    static final String CONNECT_TIMEOUT = "COUCHBASE_CONNECT_TIMEOUT";
    static final String KV_TIMEOUT = "COUCHBASE_KV_TIMEOUT";
    static final String DURABILITY = "COUCHBASE_DURABILITY";
    static final String ACK_LINGER = "COUCHBASE_ACK_LINGER";
    static final String RESERVE_LINGER = "COUCHBASE_RESERVE_LINGER";
    /**
     * How long offsets a producer reserved ahead stay unused before they are sealed: several times
     * what a synchronous send takes, so that a pause of the machine seldom costs a reservation, and
     * short beside a consumer's quiet recheck (50 ms), as other JVMs' readers wait behind them.
     */
    static final Duration DEFAULT_RESERVE_LINGER = Duration.ofMillis(20);

    static final Duration MAX_RESERVE_LINGER = Duration.ofSeconds(1);
    /**
     * Long enough for a consumer taking one message at a time to acknowledge several per write: on
     * CouchbaseMock, where a message sent and received takes about 2.5 ms, 10 ms left a fifth of a
     * cursor write per message, 20 ms a tenth.
     */
    static final Duration DEFAULT_ACK_LINGER = Duration.ofMillis(20);
    /** Acknowledgements held longer than this would risk outliving a short lease before written. */
    static final Duration MAX_ACK_LINGER = Duration.ofSeconds(1);

    static final String DEFAULT_CONNECTION_STRING = "couchbase://localhost";
    static final String DEFAULT_BUCKET = "pubsub";
    static final String DEFAULT_SCOPE = "default";

    /** The two ways of placing the records in a bucket. */
    enum Layout {
        /** One collection per record kind in the configured scope (production). */
        COLLECTIONS,
        /** Everything in the bucket's default collection, told apart by key prefixes (CouchbaseMock). */
        PREFIX;

        static Layout parse(String value, String source) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "collections" -> COLLECTIONS;
                case "prefix" -> PREFIX;
                default ->
                    throw new IllegalArgumentException(
                            source + " must be 'collections' or 'prefix', was '" + value + "'");
            };
        }
    }

    @Override
    public String toString() {
        return "CouchbaseConfig[" + redactedUrl + ", bucket=" + bucket + ", scope=" + scope + ", layout=" + layout
                + ", durability=" + durability + ", user=" + username + "]";
    }

    /** The options this store reads from a URL's query; any other goes to the SDK, which must know it. */
    static final String OPTIONS =
            "scope, layout, durability, connectTimeout, kvTimeout, subdocReads, ackLinger, reserveLinger";

    /** Reads the settings, then lets the URL (if any) override them. */
    static CouchbaseConfig from(URI url, Settings settings) {
        return from(url, settings, true);
    }

    /**
     * Checks a store URL without connecting: its form, its options and the SDK parameters among them.
     * Credentials may still be missing: they can come from the environment where it is opened.
     */
    static void validate(URI url, Settings settings) {
        from(url, settings, false);
    }

    private static CouchbaseConfig from(URI url, Settings settings, boolean requireUser) {
        String base = url != null ? url.toString() : settings.get(CONNECTION_STRING, DEFAULT_CONNECTION_STRING);
        URI uri = url != null ? url : parse(base);
        String scheme = uri.getScheme();
        if (!"couchbase".equals(scheme) && !"couchbases".equals(scheme)) {
            throw new IllegalArgumentException(
                    "a Couchbase store URL must start with couchbase:// or couchbases://, was '" + Stores.redact(base)
                            + "'");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isBlank()) {
            throw new IllegalArgumentException("the Couchbase store URL '" + Stores.redact(base)
                    + "' names no host; expected couchbase://host1,host2/bucket");
        }
        String username = settings.get(USERNAME, "");
        String password = settings.get(PASSWORD, "");
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            if (colon >= 0) {
                password = decode(userInfo.substring(colon + 1));
            }
        }

        String bucket = settings.get(BUCKET, DEFAULT_BUCKET);
        String path = uri.getRawPath();
        if (path != null && path.length() > 1) {
            bucket = decode(path.substring(1));
            if (bucket.contains("/")) {
                throw new IllegalArgumentException("the Couchbase store URL '" + Stores.redact(base) + "' has path '"
                        + path + "'; expected a single bucket name, e.g. /pubsub");
            }
        }
        String scope = settings.get(SCOPE, DEFAULT_SCOPE);
        Layout layout = Layout.parse(settings.get(LAYOUT, "collections"), LAYOUT);
        DurabilityLevel durability = durability(settings.get(DURABILITY, "none"), DURABILITY);
        Duration connectTimeout = settings.getDuration(CONNECT_TIMEOUT, Duration.ofSeconds(10));
        Duration kvTimeout = settings.getDuration(KV_TIMEOUT, Duration.ofMillis(2500));
        boolean subdocReads = settings.getBoolean("COUCHBASE_SUBDOC_READS", true);
        Duration ackLinger = settings.getDuration(ACK_LINGER, DEFAULT_ACK_LINGER);
        String ackLingerSource = ACK_LINGER;
        Duration reserveLinger = settings.getDuration(RESERVE_LINGER, DEFAULT_RESERVE_LINGER);
        String reserveLingerSource = RESERVE_LINGER;
        Map<String, String> sdkParams = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (key) {
                    case "scope" -> scope = value;
                    case "layout" -> layout = Layout.parse(value, "the URL option layout");
                    case "durability" -> durability = durability(value, "the URL option durability");
                    case "connectTimeout" -> connectTimeout = urlDuration("connectTimeout", value);
                    case "kvTimeout" -> kvTimeout = urlDuration("kvTimeout", value);
                    case "ackLinger" -> {
                        ackLinger = urlDuration("ackLinger", value);
                        ackLingerSource = "the URL option ackLinger";
                    }
                    case "reserveLinger" -> {
                        reserveLinger = urlDuration("reserveLinger", value);
                        reserveLingerSource = "the URL option reserveLinger";
                    }
                    case "subdocReads" ->
                        subdocReads = Settings.only(java.util.Map.of("subdocReads", value))
                                .getBoolean("subdocReads", true);
                    default -> sdkParams.put(key, value);
                }
            }
        }
        StringBuilder cs = new StringBuilder(scheme).append("://").append(authority);
        if (!sdkParams.isEmpty()) {
            cs.append('?');
            sdkParams.forEach((k, v) -> cs.append(k).append('=').append(v).append('&'));
            cs.setLength(cs.length() - 1);
        }
        String connectionString = cs.toString();
        try {
            // Validates hosts, ports and port types now, with the SDK's own parser.
            ConnectionString.create(connectionString);
        } catch (InvalidArgumentException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "malformed Couchbase connection string '" + Stores.redact(base) + "': " + e.getMessage()
                            + "; expected couchbase://host1,host2/bucket",
                    e);
        }
        if (!sdkParams.isEmpty()) {
            checkSdkParams(connectionString, sdkParams.keySet(), base);
        }
        if (bucket.isBlank()) {
            throw new IllegalArgumentException(BUCKET + " (or the URL path) must name a bucket");
        }
        if (scope.isBlank()) {
            throw new IllegalArgumentException(SCOPE + " (or the URL option scope) must name a scope");
        }
        if (requireUser && username.isEmpty()) {
            throw new IllegalArgumentException("no Couchbase user: set " + USERNAME + " and " + PASSWORD
                    + " or put user:password@ in the store URL");
        }
        if (connectTimeout.isZero() || connectTimeout.isNegative()) {
            throw new IllegalArgumentException(CONNECT_TIMEOUT + " must be positive, was " + connectTimeout);
        }
        if (kvTimeout.isZero() || kvTimeout.isNegative()) {
            throw new IllegalArgumentException(KV_TIMEOUT + " must be positive, was " + kvTimeout);
        }
        checkLinger(ackLinger, "0ms", MAX_ACK_LINGER, ackLingerSource);
        checkLinger(reserveLinger, "0ms (off)", MAX_RESERVE_LINGER, reserveLingerSource);
        return new CouchbaseConfig(
                connectionString,
                username,
                password,
                bucket,
                scope,
                layout,
                connectTimeout,
                kvTimeout,
                durability,
                subdocReads,
                ackLinger,
                reserveLinger,
                Stores.redact(base));
    }

    /**
     * Applies the SDK parameters of the connection string to an environment builder that is never
     * built (nothing is started): a parameter the SDK does not know fails here, at once, instead of
     * when the first connection is opened.
     */
    private static void checkSdkParams(String connectionString, java.util.Set<String> names, String base) {
        try {
            ClusterEnvironment.builder().load(new ConnectionStringPropertyLoader(connectionString));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "unknown or invalid option among " + names + " in the Couchbase store"
                            + " URL '" + Stores.redact(base) + "': the store's options are " + OPTIONS
                            + ", and any other must be a setting of the Couchbase SDK (" + e.getMessage() + ")",
                    e);
        }
    }

    /**
     * Synchronous durability of every write: none (acknowledged by the active node's memory, the
     * default, and all CouchbaseMock supports), majority, majorityAndPersistActive, persistToMajority.
     */
    static DurabilityLevel durability(String value, String source) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> DurabilityLevel.NONE;
            case "majority" -> DurabilityLevel.MAJORITY;
            case "majorityandpersistactive", "majority_and_persist_to_active" ->
                DurabilityLevel.MAJORITY_AND_PERSIST_TO_ACTIVE;
            case "persisttomajority", "persist_to_majority" -> DurabilityLevel.PERSIST_TO_MAJORITY;
            default ->
                throw new IllegalArgumentException(
                        source + " must be none, majority, majorityAndPersistActive or persistToMajority, was '" + value
                                + "'");
        };
    }

    private static void checkLinger(Duration linger, String zero, Duration max, String source) {
        if (linger.isNegative() || linger.compareTo(max) > 0) {
            throw new IllegalArgumentException(source + " must be between " + zero + " and " + Settings.format(max)
                    + ", was " + Settings.format(linger));
        }
    }

    private static Duration urlDuration(String option, String value) {
        String name = "the URL option " + option;
        return Settings.only(Map.of(name, value)).getDuration(name, Duration.ZERO);
    }

    private static URI parse(String value) {
        try {
            return new URI(value.trim());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(
                    CONNECTION_STRING + " is not a valid URL ('" + Stores.redact(value) + "'): " + e.getReason(), e);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
