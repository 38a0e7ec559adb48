package io.pub.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;
import org.junit.jupiter.api.Assumptions;

/**
 * A JMS provider the suite runs against. Tests reach it only through JNDI, so every target is described by
 * an InitialContextFactory class and a connection factory URL; the backing broker or store is started
 * lazily, once per run, and closed when the run ends.
 */
public enum Target {
    ARTEMIS("artemis") {
        @Override
        Backend start() throws Exception {
            return new ArtemisBackend();
        }
    },
    PUB_EMBEDDED("pub-embedded") {
        @Override
        Backend start() throws Exception {
            assumePubProvider();
            Path dir = Files.createTempDirectory("pub-tck-embedded");
            return pubBackend("embedded:" + dir, () -> deleteTree(dir));
        }
    },
    PUB_COUCHBASE("pub-couchbase") {
        @Override
        Backend start() throws Exception {
            assumePubProvider();
            Class<?> mockClass = loadable("io.pub.couchbase.CouchbaseMockServer");
            Assumptions.assumeTrue(mockClass != null, "io.pub.couchbase.CouchbaseMockServer is not on the class path");
            // Reflection keeps this module compiling while the store module is still being written.
            Method start = mockClass.getMethod("start");
            Object mock = Modifier.isStatic(start.getModifiers())
                    ? start.invoke(null)
                    : start.invoke(mockClass.getConstructor().newInstance());
            if (mock == null) {
                throw new IllegalStateException("CouchbaseMockServer.start() returned null");
            }
            String url = (String) mockClass.getMethod("storeUrl").invoke(mock);
            Method close = mockClass.getMethod("close");
            return pubBackend(url, () -> close.invoke(mock));
        }
    };

    static final String PUB_CONTEXT_FACTORY = "io.pub.jms.PubInitialContextFactory";

    /** User and password the Artemis target accepts when credentials are given (anonymous is accepted too). */
    static final String USER = "tck-user";

    static final String PASSWORD = "tck-secret";

    private final String label;

    Target(String label) {
        this.label = label;
    }

    /** Starts the broker or store; aborts (skips) the calling test when the target is not on the class path. */
    abstract Backend start() throws Exception;

    @Override
    public String toString() {
        return label;
    }

    /**
     * Pub authenticates like the Artemis target: {@link #USER}/{@link #PASSWORD} is the one user, and the
     * methods without credentials, which every test uses, connect as the default identity (that user).
     */
    static Backend pubBackend(String storeUrl, AutoCloseable onClose) {
        String url = storeUrl + (storeUrl.contains("?") ? "&" : "?") + "users=" + USER + ":" + PASSWORD
                + "&defaultUser=" + USER;
        return new Backend(PUB_CONTEXT_FACTORY, url, USER, PASSWORD, onClose);
    }

    static void assumePubProvider() {
        Assumptions.assumeTrue(
                loadable(PUB_CONTEXT_FACTORY) != null, PUB_CONTEXT_FACTORY + " is not on the class path yet");
    }

    static Class<?> loadable(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /**
     * What a running target offers: the JNDI context factory, the connection factory URL and, where the
     * target authenticates, the credentials it accepts.
     */
    static class Backend implements AutoCloseable {
        final String contextFactory;
        final String url;
        /** Non-null when the target rejects wrong credentials and accepts these. */
        final String user;

        final String password;
        private final AutoCloseable onClose;

        Backend(String contextFactory, String url, String user, String password, AutoCloseable onClose) {
            this.contextFactory = contextFactory;
            this.url = url;
            this.user = user;
            this.password = password;
            this.onClose = onClose;
        }

        String urlWithClientId(String clientId) {
            return url + (url.contains("?") ? "&" : "?") + "clientID=" + clientId;
        }

        boolean authenticates() {
            return user != null;
        }

        @Override
        public void close() throws Exception {
            onClose.close();
        }
    }

    /**
     * Artemis in-VM, persistence off. Security is on only so that the credentials tests can see a wrong
     * password rejected: anonymous connections and {@link #USER}/{@link #PASSWORD} may do everything.
     */
    static final class ArtemisBackend extends Backend {
        ArtemisBackend() throws Exception {
            this(Files.createTempDirectory("pub-tck-artemis"));
        }

        private ArtemisBackend(Path dir) throws Exception {
            this(dir, startBroker(dir));
        }

        private ArtemisBackend(Path dir, EmbeddedActiveMQ broker) {
            super("org.apache.activemq.artemis.jndi.ActiveMQInitialContextFactory", "vm://0", USER, PASSWORD, () -> {
                broker.stop();
                deleteTree(dir);
            });
        }

        private static EmbeddedActiveMQ startBroker(Path dir) throws Exception {
            ConfigurationImpl config = new ConfigurationImpl();
            config.setPersistenceEnabled(false)
                    .setSecurityEnabled(true)
                    .setJMXManagementEnabled(false)
                    .setJournalDirectory(dir.resolve("journal").toString())
                    .setBindingsDirectory(dir.resolve("bindings").toString())
                    .setPagingDirectory(dir.resolve("paging").toString())
                    .setLargeMessagesDirectory(dir.resolve("large").toString())
                    .addAcceptorConfiguration("in-vm", "vm://0");
            EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
            broker.setConfiguration(config);
            broker.setSecurityManager(new AnonymousOrTckUser());
            broker.start();
            return broker;
        }
    }

    static final class AnonymousOrTckUser implements ActiveMQSecurityManager {
        @Override
        public boolean validateUser(String user, String password) {
            return user == null ? password == null : USER.equals(user) && PASSWORD.equals(password);
        }

        @Override
        public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
            return validateUser(user, password);
        }
    }
}
