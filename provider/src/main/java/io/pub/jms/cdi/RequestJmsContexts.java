package io.pub.jms.cdi;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.RequestScoped;
import jakarta.jms.JMSContext;
import java.util.HashMap;
import java.util.Map;

/** The JMSContexts of one request, one per factory, credentials and session mode; closed when it ends. */
@RequestScoped
class RequestJmsContexts {
    private final Map<ContextKey, JMSContext> contexts = new HashMap<>();
    private ContextPool pool;

    synchronized JMSContext get(ContextKey key, ContextPool pool) {
        this.pool = pool;
        return contexts.computeIfAbsent(key, pool::open);
    }

    @PreDestroy
    synchronized void closeAll() {
        for (JMSContext c : contexts.values()) {
            pool.close(c);
        }
        contexts.clear();
    }
}
