package io.pub.compat.camel;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Keeps every logging event of the test JVM (installed by logback-test.xml) for the tests' checks. */
public class LogCapture extends AppenderBase<ILoggingEvent> {
    private static final Queue<ILoggingEvent> EVENTS = new ConcurrentLinkedQueue<>();

    @Override
    protected void append(ILoggingEvent event) {
        EVENTS.add(event);
    }

    static void clear() {
        EVENTS.clear();
    }

    /**
     * Lines a clean run must not have: WARN or worse from Pub, the pool, Spring's JMS support, Camel
     * or Micrometer, and any event of Pub's or the pool's that carries a stack trace.
     */
    static List<String> complaints() {
        return EVENTS.stream()
                .filter(e -> watched(e.getLoggerName())
                        && (e.getLevel().isGreaterOrEqual(Level.WARN)
                                || (e.getThrowableProxy() != null
                                        && (e.getLoggerName().startsWith("io.pub")
                                                || e.getLoggerName().startsWith("org.messaginghub")))))
                .map(e -> e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null
                                ? ""
                                : " (" + e.getThrowableProxy().getClassName() + ": "
                                        + e.getThrowableProxy().getMessage() + ")"))
                .toList();
    }

    private static boolean watched(String logger) {
        return logger.startsWith("io.pub")
                || logger.startsWith("org.messaginghub")
                || logger.startsWith("org.springframework.jms")
                || logger.startsWith("org.apache.camel")
                || logger.startsWith("io.micrometer");
    }
}
