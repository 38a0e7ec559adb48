package io.pub.jms;

import io.pub.Pub;
import io.pub.Settings;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The provider's options, read from the connection factory URL's query (which wins) and from named
 * settings. The options are removed from the URL before the store sees it, so a store never meets a
 * parameter it does not know.
 *
 * <table>
 * <tr><th>URL option</th><th>setting</th><th>default</th><th>meaning</th></tr>
 * <tr><td>clientID</td><td>-</td><td>none</td><td>the factory's client ID</td></tr>
 * <tr><td>users</td><td>PUB_USERS</td><td>none (anyone)</td><td>{@code user:password,...} accepted by createConnection</td></tr>
 * <tr><td>defaultUser</td><td>PUB_DEFAULT_USER</td><td>none</td><td>the identity of createConnection() and createContext() without
 *     credentials: one of {@code users} (its password is taken from there); without it those calls are refused when
 *     users are configured</td></tr>
 * <tr><td>maxDeliveries</td><td>PUB_MAX_DELIVERIES</td><td>10</td><td>deliveries before dead-lettering (0 = unlimited)</td></tr>
 * <tr><td>deadLetterQueue</td><td>PUB_DEAD_LETTER_QUEUE</td><td>DLQ</td><td>queue that receives dead letters</td></tr>
 * <tr><td>redeliveryDelay</td><td>PUB_REDELIVERY_DELAY</td><td>0ms</td><td>delay before a rolled back, recovered or failed message is redelivered</td></tr>
 * <tr><td>redeliveryBackoff</td><td>PUB_REDELIVERY_BACKOFF</td><td>2</td><td>multiplier of that delay per further delivery</td></tr>
 * <tr><td>redeliveryMaxDelay</td><td>PUB_REDELIVERY_MAX_DELAY</td><td>5m</td><td>cap of the backed-off delay</td></tr>
 * <tr><td>leaseDuration</td><td>PUB_LEASE_DURATION</td><td>30s</td><td>lease of a delivered message (renewed while the
 *     consumer lives); at least 100ms</td></tr>
 * <tr><td>prefetch</td><td>PUB_PREFETCH</td><td>64</td><td>messages a consumer leases ahead; higher priority first among them</td></tr>
 * <tr><td>heartbeat</td><td>PUB_HEARTBEAT_TTL</td><td>10s</td><td>lifetime of a connection's liveness claims, renewed
 *     every third of it; at least 100ms. A connection whose heartbeat lapses is told through its ExceptionListener
 *     (see {@link PubConnection})</td></tr>
 * <tr><td>asyncSendWindow</td><td>PUB_ASYNC_SEND_WINDOW</td><td>4096</td><td>async sends of a session whose
 *     CompletionListener has not returned yet; one more blocks the sender until one completes</td></tr>
 * <tr><td>asyncSendWindowBytes</td><td>PUB_ASYNC_SEND_WINDOW_BYTES</td><td>8MiB</td><td>the same window in bytes
 *     (bodies, headers and properties): 8388608, 512KiB, 8MiB; at least 1KiB</td></tr>
 * <tr><td>blockOnAcknowledge</td><td>PUB_BLOCK_ON_ACKNOWLEDGE</td><td>false</td><td>true: an acknowledgement (AUTO,
 *     DUPS_OK, {@code Message.acknowledge()}) returns only once the store has it. false: it is written in the
 *     background with others (group commit), and one lost in a crash is a redelivery (JMSRedelivered set); a
 *     background write that fails is reported to the ExceptionListener. A transacted commit always waits</td></tr>
 * <tr><td>idlePoll</td><td>PUB_IDLE_POLL</td><td>250ms</td><td>the longest a consumer goes without looking at a
 *     shard it keeps finding consumed, when nothing is published there through this JVM: it looks again after
 *     50ms, then after twice as long each time, up to this. So it is how late a message another JVM writes to
 *     such a shard can be found, and an idle consumer costs a head read per shard per idlePoll. From 50ms (no
 *     growth) to 10s</td></tr>
 * </table>
 *
 * <p>Durations are written 500ms, 30s, 2m (a plain number is seconds). Their minimums keep background
 * renewals meaningful: a lease is renewed every quarter of it and a heartbeat every third, and each
 * renewal is a store call; values under a second are for tests, production wants seconds.
 * redeliveryDelay may be 0 (none); redeliveryMaxDelay must be positive.
 *
 * <p>Secrets: the passwords of {@code users} are never printed; {@link #toString} and every error
 * message show {@code user:****} ({@link Secrets}).
 */
record ProviderOptions(
        String storeUrl,
        String clientId,
        Map<String, String> users,
        String defaultUser,
        int maxDeliveries,
        String deadLetterQueue,
        Duration redeliveryDelay,
        double redeliveryBackoff,
        Duration redeliveryMaxDelay,
        Duration leaseDuration,
        int prefetch,
        Duration heartbeatTtl,
        SendWindow sendWindow,
        boolean blockOnAcknowledge,
        Duration idlePoll) {

    static final Duration MIN_LEASE = io.pub.Pub.Config.MIN_LEASE_DURATION;
    static final Duration MIN_HEARTBEAT = Duration.ofMillis(100);
    static final Duration DEFAULT_IDLE_POLL = Duration.ofMillis(250);
    static final Duration MAX_IDLE_POLL = Duration.ofSeconds(10);

    static final List<String> URL_OPTIONS = List.of(
            "clientID",
            "users",
            "defaultUser",
            "maxDeliveries",
            "deadLetterQueue",
            "redeliveryDelay",
            "redeliveryBackoff",
            "redeliveryMaxDelay",
            "leaseDuration",
            "prefetch",
            "heartbeat",
            "asyncSendWindow",
            "asyncSendWindowBytes",
            "blockOnAcknowledge",
            "idlePoll");

    private static final Map<String, String> SETTING_OF = Map.ofEntries(
            Map.entry("users", "PUB_USERS"),
            Map.entry("defaultUser", "PUB_DEFAULT_USER"),
            Map.entry("maxDeliveries", "PUB_MAX_DELIVERIES"),
            Map.entry("deadLetterQueue", "PUB_DEAD_LETTER_QUEUE"),
            Map.entry("redeliveryDelay", "PUB_REDELIVERY_DELAY"),
            Map.entry("redeliveryBackoff", "PUB_REDELIVERY_BACKOFF"),
            Map.entry("redeliveryMaxDelay", "PUB_REDELIVERY_MAX_DELAY"),
            Map.entry("leaseDuration", "PUB_LEASE_DURATION"),
            Map.entry("prefetch", "PUB_PREFETCH"),
            Map.entry("heartbeat", "PUB_HEARTBEAT_TTL"),
            Map.entry("asyncSendWindow", "PUB_ASYNC_SEND_WINDOW"),
            Map.entry("asyncSendWindowBytes", "PUB_ASYNC_SEND_WINDOW_BYTES"),
            Map.entry("blockOnAcknowledge", "PUB_BLOCK_ON_ACKNOWLEDGE"),
            Map.entry("idlePoll", "PUB_IDLE_POLL"));

    /** Splits {@code url} into the store URL and the provider's options, then resolves them. */
    static ProviderOptions parse(String url, Settings settings) {
        return parse(url, settings, Map.of());
    }

    /** As {@link #parse(String, Settings)}, with {@code overrides} (URL option names) winning over the URL. */
    static ProviderOptions parse(String url, Settings settings, Map<String, String> overrides) {
        for (String name : overrides.keySet()) {
            if (!URL_OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option '" + name + "'; expected one of " + URL_OPTIONS);
            }
        }
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the connection factory URL must be a store URL such as "
                    + "embedded:./pub-data or couchbase://host/bucket, was empty");
        }
        String base = url.trim();
        String fragment = "";
        int hash = base.indexOf('#');
        if (hash >= 0) {
            fragment = base.substring(hash);
            base = base.substring(0, hash);
        }
        Map<String, String> mine = new LinkedHashMap<>();
        StringBuilder kept = new StringBuilder();
        int q = base.indexOf('?');
        String storeUrl = base;
        if (q >= 0) {
            storeUrl = base.substring(0, q);
            for (String pair : base.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (URL_OPTIONS.contains(key)) {
                    mine.put(key, value);
                } else {
                    kept.append(kept.length() == 0 ? "?" : "&").append(pair);
                }
            }
        }
        storeUrl = storeUrl + kept + fragment;
        mine.putAll(overrides);
        return resolve(storeUrl, mine, settings);
    }

    private static ProviderOptions resolve(String storeUrl, Map<String, String> url, Settings settings) {
        Map<String, String> values = new LinkedHashMap<>();
        SETTING_OF.forEach((option, setting) -> settings.get(setting).ifPresent(v -> values.put(option, v)));
        values.putAll(url);
        // Settings gives typed parsing with messages that name what was wrong; the URL option's name is
        // the one reported, since that is where the value came from.
        Settings s = Settings.only(values);
        Pub.Config engine = Pub.Config.from(settings);
        String clientId = url.get("clientID");
        if (clientId != null && clientId.isBlank()) {
            throw new IllegalArgumentException("clientID in the connection factory URL must not be empty");
        }
        double backoff = s.getDouble("redeliveryBackoff", 2.0, 1.0, 1000.0);
        int maxDeliveries = s.getInt("maxDeliveries", engine.maxDeliveries(), 0);
        String dlq = s.get("deadLetterQueue", engine.deadLetterQueue());
        io.pub.Names.checkTopic(dlq, "deadLetterQueue");
        Duration lease = s.getDuration("leaseDuration", engine.leaseDuration(), MIN_LEASE);
        Duration heartbeat = s.getDuration("heartbeat", Duration.ofSeconds(10), MIN_HEARTBEAT);
        SendWindow window = new SendWindow(
                s.getInt("asyncSendWindow", SendWindow.DEFAULT_MESSAGES, 1),
                s.getBytes("asyncSendWindowBytes", SendWindow.DEFAULT_BYTES, 1024));
        Duration delay = s.getDuration("redeliveryDelay", Duration.ZERO, Duration.ZERO);
        Duration maxDelay = s.getDuration("redeliveryMaxDelay", Duration.ofMinutes(5), Duration.ofMillis(1));
        Map<String, String> users = parseUsers(s.get("users").orElse(null));
        return new ProviderOptions(
                storeUrl,
                clientId,
                users,
                defaultUser(s.get("defaultUser").orElse(null), users),
                maxDeliveries,
                dlq,
                delay,
                backoff,
                maxDelay,
                lease,
                s.getInt("prefetch", 64, 1),
                heartbeat,
                window,
                s.getBoolean("blockOnAcknowledge", false),
                s.getDuration("idlePoll", DEFAULT_IDLE_POLL, PubMessageConsumer.QUIET_RECHECK, MAX_IDLE_POLL));
    }

    private static Map<String, String> parseUsers(String spec) {
        Map<String, String> users = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return Map.of();
        }
        String[] entries = spec.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i];
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                // never the entry itself: it may be a password (one with a comma in it, split here)
                throw new IllegalArgumentException("users (PUB_USERS) must be user:password pairs separated by"
                        + " commas; entry " + (i + 1) + " of " + entries.length + " is not"
                        + (colon == 0 ? " (it has no user name)" : " (it has no ':')")
                        + "; a password cannot contain a comma");
            }
            users.put(entry.substring(0, colon).trim(), entry.substring(colon + 1));
        }
        return Map.copyOf(users);
    }

    /** The default identity must be one of the users; it makes no sense without them. */
    private static String defaultUser(String name, Map<String, String> users) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String user = name.trim();
        if (users.isEmpty()) {
            throw new IllegalArgumentException("defaultUser (PUB_DEFAULT_USER) '" + user + "' is set but no users are"
                    + " configured (users= or PUB_USERS): without users anyone may connect, so there is nothing to"
                    + " default to; configure users, or remove defaultUser");
        }
        if (!users.containsKey(user)) {
            throw new IllegalArgumentException("defaultUser (PUB_DEFAULT_USER) '" + user + "' is not one of the"
                    + " configured users (users= or PUB_USERS): " + users.keySet());
        }
        return user;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    ProviderOptions withClientId(String id) {
        return new ProviderOptions(
                storeUrl,
                id,
                users,
                defaultUser,
                maxDeliveries,
                deadLetterQueue,
                redeliveryDelay,
                redeliveryBackoff,
                redeliveryMaxDelay,
                leaseDuration,
                prefetch,
                heartbeatTtl,
                sendWindow,
                blockOnAcknowledge,
                idlePoll);
    }

    /** The options, with every password masked. */
    @Override
    public String toString() {
        Map<String, String> masked = new LinkedHashMap<>();
        users.keySet().forEach(u -> masked.put(u, Secrets.MASK));
        return "ProviderOptions[storeUrl=" + Secrets.mask(storeUrl) + ", clientId=" + clientId + ", users=" + masked
                + ", defaultUser=" + defaultUser + ", maxDeliveries=" + maxDeliveries + ", deadLetterQueue="
                + deadLetterQueue + ", redeliveryDelay=" + redeliveryDelay + ", redeliveryBackoff=" + redeliveryBackoff
                + ", redeliveryMaxDelay=" + redeliveryMaxDelay + ", leaseDuration=" + leaseDuration + ", prefetch="
                + prefetch + ", heartbeat=" + heartbeatTtl + ", " + sendWindow + ", blockOnAcknowledge="
                + blockOnAcknowledge + ", idlePoll=" + idlePoll + "]";
    }

    /** Redelivery delay, its backoff and dead-lettering: the engine's policy object, shared with the native API. */
    io.pub.RedeliveryPolicy redelivery() {
        return new io.pub.RedeliveryPolicy(
                redeliveryDelay, redeliveryBackoff, redeliveryMaxDelay, maxDeliveries, deadLetterQueue);
    }

    /** The delay before the next delivery of a message delivered {@code deliveries} times so far. */
    Duration redeliveryDelay(int deliveries) {
        return redelivery().delayBefore(deliveries);
    }
}
