package io.pub.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code --property name[:type]=value} options, typed as JMS properties are. */
final class Properties {
    private Properties() {}

    static Map<String, Object> parse(List<String> options) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String o : options) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw CliException.badInput("--property must be NAME=VALUE or NAME:TYPE=VALUE, was '" + o + "'");
            }
            String name = o.substring(0, eq);
            String value = o.substring(eq + 1);
            String type = "string";
            int colon = name.lastIndexOf(':');
            if (colon > 0) {
                type = name.substring(colon + 1).toLowerCase(Locale.ROOT);
                name = name.substring(0, colon);
            }
            if (!isIdentifier(name)) {
                throw CliException.badInput("--property '" + name + "': a property name is a Java identifier"
                        + " (letters, digits, _ and $, not starting with a digit)");
            }
            try {
                out.put(
                        name,
                        switch (type) {
                            case "string" -> value;
                            case "int" -> Integer.parseInt(value);
                            case "long" -> Long.parseLong(value);
                            case "double" -> Double.parseDouble(value);
                            case "boolean" -> parseBoolean(value);
                            default ->
                                throw CliException.badInput("--property " + name + ": unknown type '" + type
                                        + "'; use string, int, long, double or boolean");
                        });
            } catch (NumberFormatException e) {
                throw CliException.badInput("--property " + name + ": '" + value + "' is not a " + type);
            }
        }
        return out;
    }

    private static boolean parseBoolean(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new NumberFormatException(value);
        };
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
            return false;
        }
        return s.chars().allMatch(Character::isJavaIdentifierPart);
    }
}
