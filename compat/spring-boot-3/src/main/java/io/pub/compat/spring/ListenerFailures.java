package io.pub.compat.spring;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import org.springframework.util.ErrorHandler;

/**
 * The listener containers' error handler: a failed message is rolled back and redelivered by the
 * provider, so the failure is counted here instead of logged with a stack trace each time.
 */
@Component
public class ListenerFailures implements ErrorHandler {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public void handleError(Throwable t) {
        count.incrementAndGet();
    }

    public int count() {
        return count.get();
    }
}
