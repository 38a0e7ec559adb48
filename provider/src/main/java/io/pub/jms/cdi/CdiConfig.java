package io.pub.jms.cdi;

import io.pub.Settings;
import io.pub.Stores;
import io.pub.jms.PubQueue;
import io.pub.jms.PubTopic;
import jakarta.jms.Destination;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * The CDI integration's configuration, read the way MicroProfile Config reads it but without its
 * library: system properties, then environment variables (exact name, then the name with every
 * non-alphanumeric character replaced by '_' and upper-cased), then every
 * {@code META-INF/microprofile-config.properties} on the class path (the first one that has a key
 * wins), then {@code jndi.properties} under the JNDI provider's key names.
 *
 * <ul>
 *   <li>{@code pub.connectionFactory.<name>.url}: the factory's store URL (with provider options);
 *       the default factory falls back to the store URL configured for everything else
 *       ({@link Stores#configuredUrl}), so it always has one;
 *   <li>{@code pub.connectionFactory.<name>.clientId}: the client ID of its connections;
 *   <li>{@code pub.queue.<name>}, {@code pub.topic.<name>}: destinations for {@link JmsDestination}.
 * </ul>
 */
final class CdiConfig {
    /** The name the specification gives the platform's default connection factory. */
    static final String DEFAULT_FACTORY_JNDI = "java:comp/DefaultJMSConnectionFactory";

    static final String DEFAULT = "default";

    private final UnaryOperator<String> system;
    private final UnaryOperator<String> environment;
    private final Map<String, String> files;
    private final Properties jndi;

    CdiConfig(
            UnaryOperator<String> system,
            UnaryOperator<String> environment,
            Map<String, String> files,
            Properties jndi) {
        this.system = system;
        this.environment = environment;
        this.files = files;
        this.jndi = jndi;
    }

    static CdiConfig load(ClassLoader loader) {
        Map<String, String> files = new HashMap<>();
        for (URL url : resources(loader, "META-INF/microprofile-config.properties")) {
            read(url).forEach((k, v) -> files.putIfAbsent((String) k, (String) v));
        }
        Properties jndi = new Properties();
        URL jndiUrl = loader.getResource("jndi.properties");
        if (jndiUrl != null) {
            jndi.putAll(read(jndiUrl));
        }
        return new CdiConfig(System::getProperty, System::getenv, files, jndi);
    }

    Optional<String> get(String key) {
        String v = system.apply(key);
        if (v == null) {
            v = environment.apply(key);
        }
        if (v == null) {
            v = environment.apply(envName(key));
        }
        if (v == null) {
            v = files.get(key);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** The environment variable form of a key, as MicroProfile Config maps it. */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The factory name of an @JMSConnectionFactory value: empty and the platform default are "default". */
    static String factoryName(String annotationValue) {
        if (annotationValue == null || annotationValue.isBlank() || annotationValue.equals(DEFAULT_FACTORY_JNDI)) {
            return DEFAULT;
        }
        String name = annotationValue.trim();
        return name.startsWith("java:comp/env/") ? name.substring("java:comp/env/".length()) : name;
    }

    /** The store URL of a factory; an IllegalArgumentException naming the setting when there is none. */
    String factoryUrl(String name) {
        String key = "pub.connectionFactory." + name + ".url";
        Optional<String> url = get(key).or(() -> Optional.ofNullable(jndi.getProperty("connectionFactory." + name)));
        if (url.isPresent()) {
            return url.get();
        }
        if (name.equals(DEFAULT)) {
            return Stores.configuredUrl(Settings.fromEnvironment());
        }
        throw new IllegalArgumentException("no URL configured for connection factory '" + name + "': set " + key
                + " (system property, environment variable " + envName(key)
                + " or META-INF/microprofile-config.properties) or connectionFactory." + name + " in jndi.properties");
    }

    Optional<String> factoryClientId(String name) {
        return get("pub.connectionFactory." + name + ".clientId");
    }

    /** The destination configured as {@code name}, of the injection point's type. */
    Destination destination(String name, Class<?> type) {
        Optional<String> queue =
                get("pub.queue." + name).or(() -> Optional.ofNullable(jndi.getProperty("queue." + name)));
        Optional<String> topic =
                get("pub.topic." + name).or(() -> Optional.ofNullable(jndi.getProperty("topic." + name)));
        if (queue.isPresent() && topic.isPresent()) {
            throw new IllegalArgumentException("destination '" + name + "' is configured both as pub.queue." + name
                    + " and as pub.topic." + name + "; keep one");
        }
        if (type == Queue.class) {
            if (topic.isPresent()) {
                throw new IllegalArgumentException("destination '" + name + "' is configured as a topic (pub.topic."
                        + name + ") but injected as a Queue");
            }
            return new PubQueue(queue.orElse(name));
        }
        if (type == Topic.class) {
            if (queue.isPresent()) {
                throw new IllegalArgumentException("destination '" + name + "' is configured as a queue (pub.queue."
                        + name + ") but injected as a Topic");
            }
            return new PubTopic(topic.orElse(name));
        }
        if (queue.isPresent()) {
            return new PubQueue(queue.get());
        }
        if (topic.isPresent()) {
            return new PubTopic(topic.get());
        }
        throw new IllegalArgumentException("destination '" + name + "' is not configured: set pub.queue." + name
                + " or pub.topic." + name + " (or inject it as a Queue or Topic to use the name as it is)");
    }

    private static Iterable<URL> resources(ClassLoader loader, String name) {
        try {
            Enumeration<URL> e = loader.getResources(name);
            return () -> e.asIterator();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + name + " on the class path", e);
        }
    }

    private static Properties read(URL url) {
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + url, e);
        }
        return p;
    }
}
