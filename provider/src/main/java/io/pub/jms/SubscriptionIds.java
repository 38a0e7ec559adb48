package io.pub.jms;

import io.pub.Names;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Store ids of JMS subscriptions. JMS names may hold any character and be of any length, but store
 * ids must satisfy {@link Names}; a name that is short and plain is kept as it is (readable in the
 * store), any other is replaced by a readable prefix and a hash of the exact name. The hashed form
 * carries a '$', which plain names never contain, so the two forms cannot collide.
 *
 * <p>Unshared and shared durable subscriptions share one namespace (as the specification requires);
 * shared non-durable subscriptions have their own.
 */
final class SubscriptionIds {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._\\-@]{0,40}");

    private SubscriptionIds() {}

    /** A durable subscription, unshared or shared; {@code clientId} may be null for shared ones. */
    static String durable(String clientId, String name) {
        return "d:" + part(clientId == null ? "" : clientId) + ":" + part(name);
    }

    static String sharedNonDurable(String clientId, String name) {
        return "s:" + part(clientId == null ? "" : clientId) + ":" + part(name);
    }

    static String nonDurable() {
        return "nd:" + UUID.randomUUID();
    }

    static String clientIdClaim(String clientId) {
        return "clientID:" + clientId;
    }

    private static String part(String s) {
        if (PLAIN.matcher(s).matches()) {
            return s;
        }
        String readable = s.replaceAll("[^A-Za-z0-9._\\-@]", "_");
        if (readable.length() > 16) {
            readable = readable.substring(0, 16);
        }
        return readable + "$" + hash(s);
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
