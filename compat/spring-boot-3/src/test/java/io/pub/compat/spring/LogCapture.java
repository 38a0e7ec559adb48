package io.pub.compat.spring;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps every logging event of the test JVM (installed by logback-test.xml, which Boot reads as its
 * logging configuration), so the tests can check what Pub and Spring's JMS support logged.
 */
public class LogCapture extends AppenderBase<ILoggingEvent> {
    private static final Queue<ILoggingEvent> EVENTS = new ConcurrentLinkedQueue<>();

    @Override
    protected void append(ILoggingEvent event) {
        EVENTS.add(event);
    }

    /**
     * Lines that a clean run must not have: WARN or worse from Pub or Spring's JMS support, and any
     * event of Pub's that carries a stack trace.
     */
    static List<String> complaints() {
        return EVENTS.stream()
                .filter(e -> watched(e.getLoggerName())
                        && (e.getLevel().isGreaterOrEqual(Level.WARN)
                                || (e.getThrowableProxy() != null
                                        && e.getLoggerName().startsWith("io.pub"))))
                .map(e -> e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null
                                ? ""
                                : " (" + e.getThrowableProxy().getClassName() + ": "
                                        + e.getThrowableProxy().getMessage() + ")"))
                .toList();
    }

    private static boolean watched(String logger) {
        return logger.startsWith("io.pub")
                || logger.startsWith("org.springframework.jms")
                || logger.startsWith("io.micrometer");
    }
}
