package io.pub.jms;

import io.pub.Settings;
import java.io.ObjectInputFilter;
import java.util.Arrays;
import java.util.List;

/**
 * Which classes {@code ObjectMessage.getObject()} may deserialize. Anyone who can write to the shared
 * store can put bytes in an ObjectMessage, so deserializing any class on the class path would hand
 * them every gadget chain the application carries. Entries are class names or package prefixes, as
 * in Artemis and Qpid JMS; {@code *} means every class. A class is allowed when no deny entry and some
 * allow entry matches it; arrays are judged by their component class, primitives always pass.
 *
 * <p>Settings (system property or environment): {@value #ALLOW} (default {@value #DEFAULT_ALLOW}) and
 * {@value #DENY} (default empty). A JVM-wide {@code jdk.serialFilter} still applies as well.
 */
final class DeserializationPolicy implements ObjectInputFilter {
    static final String ALLOW = "PUB_DESERIALIZATION_ALLOW_LIST";
    static final String DENY = "PUB_DESERIALIZATION_DENY_LIST";
    static final String DEFAULT_ALLOW = "java.lang,java.math,java.time,java.util,java.net.URI,java.net.URL";

    private final List<String> allow;
    private final List<String> deny;

    DeserializationPolicy(String allow, String deny) {
        this.allow = entries(allow);
        this.deny = entries(deny);
    }

    /** The policy configured now: read at every use, so a changed system property takes effect. */
    static DeserializationPolicy configured() {
        Settings s = Settings.fromEnvironment();
        return new DeserializationPolicy(s.get(ALLOW, DEFAULT_ALLOW), s.get(DENY, ""));
    }

    boolean allows(Class<?> type) {
        Class<?> c = type;
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (c.isPrimitive()) {
            return true;
        }
        String name = c.getName();
        return deny.stream().noneMatch(e -> matches(e, name)) && allow.stream().anyMatch(e -> matches(e, name));
    }

    @Override
    public Status checkInput(FilterInfo info) {
        Class<?> c = info.serialClass();
        if (c == null) {
            return Status.UNDECIDED;
        }
        return allows(c) ? Status.UNDECIDED : Status.REJECTED;
    }

    /** Why {@code type} was refused, naming the settings that would change it. */
    String refusal(String className) {
        return "class " + className + " may not be deserialized from an ObjectMessage; add it or its package"
                + " to " + ALLOW + " (now '" + String.join(",", allow) + "')"
                + (deny.isEmpty() ? "" : " and keep it out of " + DENY + " (now '" + String.join(",", deny) + "')");
    }

    private static boolean matches(String entry, String name) {
        // a package prefix covers its classes, a class name its nested classes
        return entry.equals("*") || name.equals(entry) || name.startsWith(entry + ".") || name.startsWith(entry + "$");
    }

    private static List<String> entries(String spec) {
        return Arrays.stream(spec.split(","))
                .map(String::trim)
                .filter(e -> !e.isEmpty())
                .toList();
    }
}
