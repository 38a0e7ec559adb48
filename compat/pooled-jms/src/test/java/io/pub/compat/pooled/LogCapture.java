package io.pub.compat.pooled;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records every log event of the JVM (through logback, the SLF4J binding of this module) from
 * {@link #start} to {@link #close}, so a test can tell that a clean run logged nothing worth a look.
 */
final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    static LogCapture start() {
        LogCapture c = new LogCapture();
        c.appender.setName("capture");
        c.appender.setContext(c.root.getLoggerContext());
        c.appender.start();
        c.root.addAppender(c.appender);
        return c;
    }

    /** WARN and ERROR events, and any event that carries a stack trace, as printable lines. */
    List<String> problems() {
        synchronized (appender) {
            return appender.list.stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
                    .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
                            + (e.getThrowableProxy() == null
                                    ? ""
                                    : " [" + e.getThrowableProxy().getClassName() + ": "
                                            + e.getThrowableProxy().getMessage() + "]"))
                    .toList();
        }
    }

    /** How many events were recorded at all (a capture that saw nothing proves nothing). */
    int events() {
        synchronized (appender) {
            return appender.list.size();
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
