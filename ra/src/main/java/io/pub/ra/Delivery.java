package io.pub.ra;

import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.work.Work;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One of an activation's concurrent deliveries: a transacted session, its consumer and one
 * message-driven bean endpoint. As Work it receives and delivers up to {@link #BATCH} messages (or
 * until none comes within {@link #POLL_MILLIS}), then puts itself back on the WorkManager, so it
 * never holds a server thread for long.
 *
 * <p>Each message is acknowledged by the session's commit, never before the bean returned:
 * <ul>
 *   <li>a transacted bean method: the session's XAResource was given to the endpoint, the container
 *       enlists it between beforeDelivery and afterDelivery, and the transaction's outcome commits or
 *       rolls back the receipt with the bean's other work;
 *   <li>otherwise the adapter commits after onMessage returned, and rolls back when it threw.
 * </ul>
 * A rollback gives the message back for redelivery (after the provider's redeliveryDelay); after
 * maxDeliveries the provider moves it to the dead-letter queue.
 */
final class Delivery implements Work {
    private static final Logger LOG = Logger.getLogger(Delivery.class.getName());
    static final int BATCH = 50;
    static final long POLL_MILLIS = 500;

    private final Activation activation;
    private final Session session;
    private final MessageConsumer consumer;
    private final boolean transacted;
    private final LocalXAResource xa;
    /** Held while a run is in progress; deactivation takes it for good. */
    private final Semaphore running = new Semaphore(1);

    private MessageEndpoint endpoint;

    Delivery(Activation activation, Connection connection, Destination destination, boolean transacted)
            throws JMSException {
        this.activation = activation;
        this.transacted = transacted;
        this.session = connection.createSession(true, Session.SESSION_TRANSACTED);
        this.consumer = activation.consumer(session, destination);
        this.xa = new LocalXAResource(session);
    }

    @Override
    public void run() {
        if (!running.tryAcquire()) {
            return; // deactivated
        }
        long again = 0;
        try {
            if (activation.stopping()) {
                return;
            }
            if (endpoint == null) {
                endpoint = activation.factory().createEndpoint(transacted ? xa : null);
            }
            for (int n = 0; n < BATCH && !activation.stopping(); n++) {
                Message message = consumer.receive(POLL_MILLIS);
                if (message == null) {
                    break;
                }
                deliver(message);
            }
        } catch (UnavailableException e) {
            again = 1000; // the application is not ready for deliveries yet
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "a Pub delivery of " + activation.spec() + " failed; retrying in a second", t);
            again = 1000;
        } finally {
            running.release();
            activation.schedule(this, again);
        }
    }

    private void deliver(Message message) throws JMSException, ResourceException, NoSuchMethodException {
        Throwable failure = null;
        if (transacted) {
            xa.reset();
            endpoint.beforeDelivery(Activation.ON_MESSAGE);
            try {
                ((MessageListener) endpoint).onMessage(message);
            } catch (Throwable t) {
                failure = t;
            } finally {
                try {
                    endpoint.afterDelivery();
                } catch (ResourceException e) {
                    failure = failure == null ? e : failure;
                }
            }
            activation.enlisted(xa.wasEnlisted());
            if (xa.wasEnlisted() && xa.wasCompleted()) {
                logFailure(message, failure);
                return; // the container's transaction settled the receipt
            }
            if (xa.wasEnlisted()) {
                // enlisted but never completed: nothing acknowledged it, so the message comes back
                session.rollback();
                logFailure(message, failure);
                return;
            }
            // not enlisted (the method turned out not to be transacted): settle it as below
        } else {
            try {
                ((MessageListener) endpoint).onMessage(message);
            } catch (Throwable t) {
                failure = t;
            }
        }
        if (failure == null) {
            session.commit();
        } else {
            session.rollback();
            logFailure(message, failure);
        }
    }

    private void logFailure(Message message, Throwable failure) {
        if (failure != null && LOG.isLoggable(Level.FINE)) {
            LOG.log(
                    Level.FINE,
                    "the message-driven bean failed on " + id(message) + "; it will be redelivered",
                    failure);
        }
    }

    private static String id(Message m) {
        try {
            return m.getJMSMessageID();
        } catch (JMSException e) {
            return "a message";
        }
    }

    /** Asks a run in progress to end early (the WorkManager's shutdown). */
    @Override
    public void release() {
        // runs check activation.stopping() between messages; a single delivery is not interrupted
    }

    /** Waits for a run in progress to finish, and keeps any later one from starting. */
    boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        return running.tryAcquire(timeout, unit);
    }

    void releaseEndpoint() {
        if (endpoint != null) {
            endpoint.release();
            endpoint = null;
        }
    }
}
