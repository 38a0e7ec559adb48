package io.pub;

import java.util.regex.Pattern;

/**
 * The naming rules shared by every store: names become parts of store keys (RocksDB keys, Couchbase
 * document ids of at most 250 bytes), so they are short and free of the separators the stores use.
 */
public final class Names {
    /** Longest topic or subscription name accepted. */
    public static final int MAX_LENGTH = 100;

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._\\-:$@]+");

    private Names() {}

    public static String checkTopic(String name, String argument) {
        return check(name, argument);
    }

    public static String checkSubscription(String name, String argument) {
        return check(name, argument);
    }

    private static String check(String name, String argument) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(argument + " must not be empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    argument + " must be at most " + MAX_LENGTH + " characters, was " + name.length());
        }
        if (!ALLOWED.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    argument + " may contain only letters, digits and . _ - : $ @ (was '" + name + "')");
        }
        return name;
    }
}
