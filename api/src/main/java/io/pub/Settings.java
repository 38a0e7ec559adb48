package io.pub;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Named settings (the environment variables the README's Configuration section lists): looked up first in explicit values, then
 * in system properties, then in the environment. Values that fail to parse raise an
 * IllegalArgumentException naming the setting and what was expected.
 */
public final class Settings {
    private final Function<String, String> lookup;

    private Settings(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    /** System properties, then environment variables. */
    public static Settings fromEnvironment() {
        return new Settings(name -> {
            String v = System.getProperty(name);
            return v != null ? v : System.getenv(name);
        });
    }

    /** {@code values} first, then system properties and the environment. */
    public static Settings of(Map<String, String> values) {
        Settings env = fromEnvironment();
        Map<String, String> copy = Map.copyOf(values);
        return new Settings(name -> copy.containsKey(name) ? copy.get(name) : env.lookup.apply(name));
    }

    /** Only {@code values}; nothing from the environment (for tests). */
    public static Settings only(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new Settings(copy::get);
    }

    public Optional<String> get(String name) {
        String v = lookup.apply(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    public String get(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    public int getInt(String name, int defaultValue, int min) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            return defaultValue;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, was '" + v.get() + "'");
        }
        if (parsed < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + parsed);
        }
        return parsed;
    }

    public double getDouble(String name, double defaultValue, double min, double max) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            return defaultValue;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(v.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + v.get() + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + parsed);
        }
        return parsed;
    }

    public boolean getBoolean(String name, boolean defaultValue) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, was '" + v.get() + "'");
        };
    }

    /**
     * A duration of at least {@code min}: a smaller one (zero and negative ones included) is refused
     * naming the setting, the minimum and the value.
     */
    public java.time.Duration getDuration(String name, java.time.Duration defaultValue, java.time.Duration min) {
        java.time.Duration d = getDuration(name, defaultValue);
        if (d.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + format(min) + ", was "
                    + get(name).orElse(format(d)));
        }
        return d;
    }

    /** As {@link #getDuration(String, java.time.Duration, java.time.Duration)}, and at most {@code max}. */
    public java.time.Duration getDuration(
            String name, java.time.Duration defaultValue, java.time.Duration min, java.time.Duration max) {
        java.time.Duration d = getDuration(name, defaultValue, min);
        if (d.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + format(max) + ", was "
                    + get(name).orElse(format(d)));
        }
        return d;
    }

    /** A duration the way settings write it: 30s, 500ms, 2m. */
    public static String format(java.time.Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms != 0 && ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /**
     * A size in bytes: a plain number of bytes, or a number with KiB, MiB or GiB (case does not
     * matter), at least {@code min}.
     */
    public long getBytes(String name, long defaultValue, long min) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            return defaultValue;
        }
        String s = v.get().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        long unit = 1;
        for (String[] u : new String[][] {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}}) {
            if (s.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length());
            }
        }
        long parsed;
        try {
            parsed = Math.multiplyExact(Long.parseLong(s), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    name + " must be a size in bytes such as 8388608, 512KiB or 8MiB, was '" + v.get() + "'");
        }
        if (parsed < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + " bytes, was '" + v.get() + "'");
        }
        return parsed;
    }

    /** A duration such as 30s, 500ms, 2m or a plain number of seconds. */
    public java.time.Duration getDuration(String name, java.time.Duration defaultValue) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            return defaultValue;
        }
        String s = v.get().toLowerCase(java.util.Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return java.time.Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return java.time.Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("m")) {
                return java.time.Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return java.time.Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be a duration such as 30s, 500ms or 2m, was '" + v.get() + "'");
        }
    }
}
