package io.pub.ra;

import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.XATerminator;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Timer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * Just enough of an application server to activate message-driven endpoints: a WorkManager on a
 * thread pool, and endpoints that, when transacted, start a branch on the XAResource in
 * beforeDelivery and commit it in afterDelivery, or roll it back when onMessage threw, as a
 * container-managed transaction does.
 */
final class FakeContainer implements BootstrapContext, WorkManager, AutoCloseable {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger xids = new AtomicInteger();

    @Override
    public void close() {
        threads.shutdownNow();
    }

    // ---- BootstrapContext --------------------------------------------------------------------

    @Override
    public WorkManager getWorkManager() {
        return this;
    }

    @Override
    public XATerminator getXATerminator() {
        return null;
    }

    @Override
    public Timer createTimer() {
        return new Timer(true);
    }

    @Override
    public boolean isContextSupported(Class<? extends WorkContext> workContextClass) {
        return false;
    }

    @Override
    public TransactionSynchronizationRegistry getTransactionSynchronizationRegistry() {
        return null;
    }

    // ---- WorkManager -------------------------------------------------------------------------

    @Override
    public void doWork(Work work) {
        work.run();
    }

    @Override
    public void doWork(Work work, long startTimeout, ExecutionContext ctx, WorkListener listener) {
        work.run();
    }

    @Override
    public long startWork(Work work) {
        threads.execute(work);
        return 0;
    }

    @Override
    public long startWork(Work work, long startTimeout, ExecutionContext ctx, WorkListener listener) {
        threads.execute(work);
        return 0;
    }

    @Override
    public void scheduleWork(Work work) {
        threads.execute(work);
    }

    @Override
    public void scheduleWork(Work work, long startTimeout, ExecutionContext ctx, WorkListener listener) {
        threads.execute(work);
    }

    // ---- endpoints ---------------------------------------------------------------------------

    /** Endpoints delivering to {@code listener}; {@code transacted}: container-managed transactions. */
    MessageEndpointFactory endpoints(MessageListener listener, boolean transacted) {
        return new MessageEndpointFactory() {
            @Override
            public MessageEndpoint createEndpoint(XAResource xa) throws UnavailableException {
                return new Endpoint(listener, transacted ? xa : null);
            }

            @Override
            public MessageEndpoint createEndpoint(XAResource xa, long timeout) throws UnavailableException {
                return createEndpoint(xa);
            }

            @Override
            public boolean isDeliveryTransacted(Method method) {
                return transacted;
            }

            @Override
            public String getActivationName() {
                return "test";
            }

            @Override
            public Class<?> getEndpointClass() {
                return listener.getClass();
            }
        };
    }

    private final class Endpoint implements MessageEndpoint, MessageListener {
        private final MessageListener listener;
        private final XAResource xa;
        private Xid xid;
        private boolean failed;

        Endpoint(MessageListener listener, XAResource xa) {
            this.listener = listener;
            this.xa = xa;
        }

        @Override
        public void beforeDelivery(Method method) {
            if (xa != null) {
                xid = new Xid() {
                    final int n = xids.incrementAndGet();

                    @Override
                    public int getFormatId() {
                        return 1;
                    }

                    @Override
                    public byte[] getGlobalTransactionId() {
                        return ("tx-" + n).getBytes(StandardCharsets.UTF_8);
                    }

                    @Override
                    public byte[] getBranchQualifier() {
                        return new byte[] {0};
                    }
                };
                try {
                    xa.start(xid, XAResource.TMNOFLAGS);
                } catch (XAException e) {
                    throw new IllegalStateException(e);
                }
            }
            failed = false;
        }

        @Override
        public void onMessage(Message message) {
            try {
                listener.onMessage(message);
            } catch (RuntimeException e) {
                failed = true; // a container marks its transaction rollback-only and rethrows
                throw e;
            }
        }

        @Override
        public void afterDelivery() {
            if (xa != null) {
                try {
                    xa.end(xid, failed ? XAResource.TMFAIL : XAResource.TMSUCCESS);
                    if (failed) {
                        xa.rollback(xid);
                    } else {
                        xa.commit(xid, true);
                    }
                } catch (XAException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        @Override
        public void release() {}
    }
}
