package io.pub.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.OptionalLong;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * Artemis embedded in this JVM on an in-VM acceptor, as durable as Pub's default: persistence on, NIO
 * journal, datasync, sync on transactional and non-transactional durable sends. {@code bufferTimeoutNanos}
 * null keeps Artemis' default journal buffer timeout. The connection factory sets a confirmation
 * window, without which Artemis completes a CompletionListener before the message is durable.
 */
final class ArtemisTarget implements Target {
    /** Artemis' TimedBuffer decides after this many timed sleeps whether parkNanos is precise enough. */
    private static final int TIMED_BUFFER_CHECKS = 20;

    private final String name;
    private final Path dir;
    private final EmbeddedActiveMQ server;

    private ArtemisTarget(String name, Path dir, EmbeddedActiveMQ server) {
        this.name = name;
        this.dir = dir;
        this.server = server;
    }

    static ArtemisTarget start(String name, Integer bufferTimeoutNanos) throws Exception {
        Path dir = Files.createTempDirectory("bench-" + name + "-");
        Configuration config = new ConfigurationImpl()
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDatasync(true)
                .setJournalSyncTransactional(true)
                .setJournalSyncNonTransactional(true)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .addAcceptorConfiguration("in-vm", "vm://0");
        if (bufferTimeoutNanos != null) {
            config.setJournalBufferTimeout_NIO(bufferTimeoutNanos);
        }
        EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(config);
        try {
            server.start();
        } catch (Exception e) {
            Targets.deleteTree(dir);
            throw e;
        }
        return new ArtemisTarget(name, dir, server);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Hashtable<String, Object> jndi() {
        Hashtable<String, Object> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "org.apache.activemq.artemis.jndi.ActiveMQInitialContextFactory");
        env.put("connectionFactory.ConnectionFactory", "vm://0?confirmationWindowSize=1048576");
        return env;
    }

    @Override
    public OptionalLong roundTrips() {
        return OptionalLong.empty();
    }

    @Override
    public boolean speedMeaningful() {
        return true;
    }

    @Override
    public String describe() {
        Configuration c = server.getConfiguration();
        return "Artemis embedded, vm://0, NIO journal, datasync=" + c.isJournalDatasync() + ", sync tx/non-tx="
                + c.isJournalSyncTransactional() + "/" + c.isJournalSyncNonTransactional()
                + ", journal-buffer-timeout=" + c.getJournalBufferTimeout_NIO() + " ns, confirmationWindowSize=1 MiB"
                + ", TimedBuffer " + flushMode();
    }

    /**
     * Whether the journal's TimedBuffer sleeps or spins between flushes. Artemis times its first 20
     * sleeps and switches to spinning for good if more than half overslept; the state is internal, so
     * it is read reflectively, for the record only, and reported unknown if the internals moved.
     */
    String flushMode() {
        try {
            Object storage = server.getActiveMQServer().getStorageManager();
            Object journal = field(storage, "messageJournal");
            Object timedBuffer = field(field(journal, "fileFactory"), "timedBuffer");
            if (timedBuffer == null) {
                return "none (journal without a timed buffer)";
            }
            Object timer = field(timedBuffer, "timerRunnable");
            int checks = (Integer) field(timer, "checks");
            int failed = (Integer) field(timer, "failedChecks");
            if (checks < TIMED_BUFFER_CHECKS) {
                return "undecided after " + checks + " of " + TIMED_BUFFER_CHECKS + " timed sleeps (sleeps meanwhile)";
            }
            return (failed > TIMED_BUFFER_CHECKS / 2 ? "SPINS" : "sleeps") + " (" + failed + " of " + checks
                    + " timed sleeps overslept)";
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "mode unknown (" + e + ")";
        }
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                java.lang.reflect.Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(target.getClass().getName() + "." + name);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("stopping " + name + " failed: " + e);
        } finally {
            Targets.deleteTree(dir);
        }
    }
}
