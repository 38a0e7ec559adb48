package io.pub.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Durations on the command line as the settings write them: 500ms, 1s, 2m, 1h, or plain seconds. */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        Matcher m = FORM.matcher(value.trim());
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration: expected a number with ms, s, m or h (e.g. 500ms, 1s, 2m)");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long millis =
                switch (unit) {
                    case "ms" -> Math.round(n);
                    case "m" -> Math.round(n * 60_000);
                    case "h" -> Math.round(n * 3_600_000);
                    default -> Math.round(n * 1000);
                };
        return Duration.ofMillis(millis);
    }

    /** 1.2s, 350ms, 3m 5s, 2h 10m: short and readable, for ages and elapsed times. */
    static String format(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long s = millis / 1000;
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        if (s < 86_400) {
            return (s / 3600) + "h " + (s % 3600 / 60) + "m";
        }
        return (s / 86_400) + "d " + (s % 86_400 / 3600) + "h";
    }
}
