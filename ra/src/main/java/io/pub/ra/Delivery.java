package io.pub.ra;

import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.work.Work;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One of an activation's concurrent deliveries: a session, its consumer and one message-driven bean
 * endpoint. As Work it delivers up to {@link #BATCH} messages (or until none comes within
 * {@link #POLL_MILLIS}), then puts itself back on the WorkManager, so it never holds a server thread
 * for long.
 *
 * <p>A message is acknowledged only once the bean is done with it:
 * <ul>
 *   <li>a transacted bean method: the session is an XASession whose XAResource was given to the
 *       endpoint. beforeDelivery starts the container's transaction, which enlists it; the message is
 *       received inside that branch, so its acknowledgement commits (two-phase, durable at prepare) or
 *       rolls back with the bean's other work in afterDelivery. When nothing comes within the poll,
 *       the branch is empty and commits read-only;
 *   <li>otherwise a locally transacted session, committed after onMessage returned and rolled back
 *       when it threw.
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
    /** The XASession's resource, for transacted beans; null otherwise. */
    private final TrackedXAResource xa;
    /** Held while a run is in progress; deactivation takes it for good. */
    private final Semaphore running = new Semaphore(1);

    private MessageEndpoint endpoint;

    Delivery(Activation activation, Connection connection, Destination destination, boolean transacted)
            throws JMSException {
        this.activation = activation;
        if (transacted) {
            if (!(connection instanceof XAConnection xaConnection)) {
                throw new JMSException("transacted deliveries need an XAConnection");
            }
            XASession xaSession = xaConnection.createXASession();
            this.session = xaSession;
            this.xa = new TrackedXAResource(xaSession.getXAResource());
        } else {
            this.session = connection.createSession(true, Session.SESSION_TRANSACTED);
            this.xa = null;
        }
        this.consumer = activation.consumer(session, destination);
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
                endpoint = activation.factory().createEndpoint(xa);
            }
            for (int n = 0; n < BATCH && !activation.stopping(); n++) {
                boolean delivered = xa != null ? deliverInTransaction() : deliverAndCommit();
                if (!delivered) {
                    break;
                }
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

    /** One receive inside the container's transaction; false when nothing came. */
    private boolean deliverInTransaction() throws JMSException, ResourceException, NoSuchMethodException {
        xa.reset();
        Message message = null;
        Throwable failure = null;
        endpoint.beforeDelivery(Activation.ON_MESSAGE);
        try {
            message = consumer.receive(POLL_MILLIS);
            if (message != null) {
                ((MessageListener) endpoint).onMessage(message);
            }
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
        if (!xa.wasCompleted()) {
            try {
                xa.rollbackLeftOver(); // the container left the branch open: nothing is acknowledged
            } catch (javax.transaction.xa.XAException e) {
                LOG.log(Level.WARNING, "rolling back a delivery's open branch failed", e);
            }
        }
        if (failure instanceof JMSException j && message == null) {
            throw j; // the receive itself failed
        }
        logFailure(message, failure);
        return message != null;
    }

    /** One receive, committed after the bean returned; false when nothing came. */
    private boolean deliverAndCommit() throws JMSException {
        Message message = consumer.receive(POLL_MILLIS);
        if (message == null) {
            return false;
        }
        Throwable failure = null;
        try {
            ((MessageListener) endpoint).onMessage(message);
        } catch (Throwable t) {
            failure = t;
        }
        if (failure == null) {
            session.commit();
        } else {
            session.rollback();
            logFailure(message, failure);
        }
        return true;
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
        if (m == null) {
            return "(no message)";
        }
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
