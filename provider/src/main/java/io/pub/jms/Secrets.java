package io.pub.jms;

import io.pub.Stores;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.UnaryOperator;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Passwords in factory URLs: the {@code users} option ({@code user:password,...}) and a store's
 * {@code user:password@}. They are never printed: {@link #mask} shows {@code user:****}. A serialized
 * connection factory holds no {@code users} password either, only a {@link #verifier} of each (a
 * salted PBKDF2 hash, {@code {pbkdf2}iterations$salt$hash}), which is all a factory needs to check
 * the credentials a connection presents, so a deserialized factory accepts exactly the same users and
 * passwords. A verifier may also be configured in place of a password. The store's own credentials in
 * {@code user:password@} are serialized as given, since the store needs them to connect: keep them
 * in COUCHBASE_USERNAME and COUCHBASE_PASSWORD to keep them out of serialized factories.
 */
final class Secrets {
    static final String MASK = "****";
    private static final String VERIFIER = "{pbkdf2}";
    private static final int ITERATIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** {@code url} with the passwords of its users option and of its user:password@ masked. */
    static String mask(String url) {
        if (url == null) {
            return null;
        }
        return Stores.redact(mapUsers(url, password -> MASK));
    }

    /** {@code url} with the passwords of its users option replaced by their verifiers. */
    static String withVerifiers(String url) {
        return url == null ? null : mapUsers(url, Secrets::verifier);
    }

    /** The value of a users option ({@code user:password,...}) with each password mapped. */
    static String mapPasswords(String users, UnaryOperator<String> f) {
        if (users == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (String entry : users.split(",", -1)) {
            if (out.length() > 0) {
                out.append(',');
            }
            int colon = entry.indexOf(':');
            out.append(colon < 0 ? MASK : entry.substring(0, colon + 1) + f.apply(entry.substring(colon + 1)));
        }
        return out.toString();
    }

    private static String mapUsers(String url, UnaryOperator<String> f) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        int hash = url.indexOf('#', q);
        String query = hash < 0 ? url.substring(q + 1) : url.substring(q + 1, hash);
        StringBuilder out = new StringBuilder(url.substring(0, q + 1));
        String[] pairs = query.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            String pair = pairs[i];
            int eq = pair.indexOf('=');
            if (i > 0) {
                out.append('&');
            }
            if (eq >= 0 && "users".equals(decode(pair.substring(0, eq)))) {
                String users = mapPasswords(decode(pair.substring(eq + 1)), f);
                out.append(pair, 0, eq + 1).append(encode(users));
            } else {
                out.append(pair);
            }
        }
        if (hash >= 0) {
            out.append(url.substring(hash));
        }
        return out.toString();
    }

    /** A salted PBKDF2 hash of {@code password}; a verifier is returned as it is. */
    static String verifier(String password) {
        if (isVerifier(password)) {
            return password;
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return VERIFIER + ITERATIONS + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(hash(password, salt, ITERATIONS));
    }

    static boolean isVerifier(String s) {
        return s != null && s.startsWith(VERIFIER);
    }

    /** True if {@code given} is the password {@code expected} stands for (a password or its verifier). */
    static boolean matches(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        if (!isVerifier(expected)) {
            return MessageDigest.isEqual(
                    expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
        }
        String[] parts = expected.substring(VERIFIER.length()).split("\\$");
        if (parts.length != 3) {
            return false;
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            byte[] salt = b64.decode(parts[1]);
            byte[] want = b64.decode(parts[2]);
            return MessageDigest.isEqual(want, hash(given, salt, Integer.parseInt(parts[0])));
        } catch (IllegalArgumentException e) {
            return false; // a malformed verifier matches nothing
        }
    }

    private static byte[] hash(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JVM", e);
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** Encodes what would break the query apart, keeping user:password,... readable. */
    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8)
                .replace("%3A", ":")
                .replace("%2C", ",")
                .replace("%24", "$")
                .replace("%7B", "{")
                .replace("%7D", "}");
    }
}
