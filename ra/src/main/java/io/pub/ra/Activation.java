package io.pub.ra;

import io.pub.jms.PubXAConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * One message-driven bean's activation: a Pub connection, and maxSession {@link Delivery} works each
 * with its own session, consumer and endpoint, run on the server's WorkManager.
 */
final class Activation {
    private static final Logger LOG = Logger.getLogger(Activation.class.getName());
    static final Method ON_MESSAGE;

    static {
        try {
            ON_MESSAGE = MessageListener.class.getMethod("onMessage", jakarta.jms.Message.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How long deactivation waits for a delivery in progress before it closes the connection anyway. */
    private static final long STOP_WAIT_SECONDS = 60;

    private final PubResourceAdapter ra;
    private final MessageEndpointFactory factory;
    private final PubActivationSpec spec;
    private final List<Delivery> deliveries = new ArrayList<>();
    private Connection connection;
    private Timer timer;
    private volatile boolean stopping;
    private final java.util.concurrent.atomic.AtomicBoolean toldEnlisted =
            new java.util.concurrent.atomic.AtomicBoolean();

    Activation(PubResourceAdapter ra, MessageEndpointFactory factory, PubActivationSpec spec) {
        this.ra = ra;
        this.factory = factory;
        this.spec = spec;
    }

    void start() throws ResourceException {
        boolean transacted;
        try {
            transacted = factory.isDeliveryTransacted(ON_MESSAGE);
        } catch (NoSuchMethodException e) {
            throw new jakarta.resource.NotSupportedException(
                    "the message-driven bean does not implement jakarta.jms.MessageListener");
        }
        Destination destination = destination();
        try {
            connection = connectionFactory().createXAConnection(user(), password());
            if (!PubActivationSpec.blank(spec.getClientId())) {
                connection.setClientID(spec.getClientId().trim());
            }
            for (int i = 0; i < spec.getMaxSession(); i++) {
                deliveries.add(new Delivery(this, connection, destination, transacted));
            }
            connection.start();
        } catch (JMSException | RuntimeException e) {
            closeConnection();
            throw Errors.resource("could not start the message-driven bean's deliveries (" + spec + ")", e);
        }
        timer = ra.context().createTimer();
        for (Delivery d : deliveries) {
            schedule(d, 0);
        }
        LOG.info(() -> "Pub deliveries started: " + spec + (transacted ? ", transacted" : ""));
    }

    private Destination destination() throws ResourceException {
        if (!PubActivationSpec.blank(spec.getDestinationLookup())) {
            try {
                Object found =
                        new InitialContext().lookup(spec.getDestinationLookup().trim());
                if (found instanceof Destination d) {
                    return d;
                }
                throw new InvalidPropertyException("destinationLookup '" + spec.getDestinationLookup() + "' names "
                        + found + ", not a jakarta.jms.Queue or Topic");
            } catch (NamingException e) {
                throw new InvalidPropertyException(
                        "destinationLookup '" + spec.getDestinationLookup() + "' was not found: " + e.getMessage(), e);
            }
        }
        String name = spec.getDestination().trim();
        if (spec.isTopic()) {
            PubRaTopic t = new PubRaTopic();
            t.setName(name);
            return t;
        }
        PubRaQueue q = new PubRaQueue();
        q.setName(name);
        return q;
    }

    PubXAConnectionFactory connectionFactory() throws InvalidPropertyException {
        String url = !PubActivationSpec.blank(spec.getConnectionUrl()) ? spec.getConnectionUrl() : ra.defaultUrl();
        try {
            PubXAConnectionFactory f = PubActivationSpec.blank(url)
                    ? new PubXAConnectionFactory()
                    : new PubXAConnectionFactory(url.trim());
            if (spec.getMaxDeliveries() != null) {
                f.setMaxDeliveries(spec.getMaxDeliveries());
            }
            if (!PubActivationSpec.blank(spec.getDeadLetterQueue())) {
                f.setDeadLetterQueue(spec.getDeadLetterQueue().trim());
            }
            if (!PubActivationSpec.blank(spec.getRedeliveryDelay())) {
                f.setRedeliveryDelay(spec.getRedeliveryDelay().trim());
            }
            return f;
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("the message-driven bean's activation (connectionUrl,"
                    + " maxDeliveries, deadLetterQueue, redeliveryDelay): " + e.getMessage());
        }
    }

    private String user() {
        return !PubActivationSpec.blank(spec.getUser()) ? spec.getUser() : ra.defaultUser();
    }

    private String password() {
        return !PubActivationSpec.blank(spec.getUser()) ? spec.getPassword() : ra.defaultPassword();
    }

    /** Logs, once, whether the container enlisted the transacted deliveries' XAResource. */
    void enlisted(boolean enlisted) {
        if (toldEnlisted.compareAndSet(false, true)) {
            if (enlisted) {
                LOG.info(() -> "Pub deliveries of " + spec + " are enlisted in the container's transactions");
            } else {
                LOG.warning(() -> "Pub deliveries of " + spec + " are transacted but the container did not enlist"
                        + " their XAResource: each message is acknowledged as it is received, before the bean"
                        + " runs (make the bean's onMessage REQUIRED, or bean-managed)");
            }
        }
    }

    PubActivationSpec spec() {
        return spec;
    }

    MessageEndpointFactory factory() {
        return factory;
    }

    boolean stopping() {
        return stopping;
    }

    /** Runs {@code d} again on the WorkManager, after {@code delayMillis}. */
    void schedule(Delivery d, long delayMillis) {
        if (stopping) {
            return;
        }
        if (delayMillis > 0) {
            try {
                timer.schedule(
                        new TimerTask() {
                            @Override
                            public void run() {
                                schedule(d, 0);
                            }
                        },
                        delayMillis);
            } catch (IllegalStateException cancelled) {
                // the activation stopped meanwhile
            }
            return;
        }
        try {
            ra.context().getWorkManager().scheduleWork(d, WorkManager.INDEFINITE, null, null);
        } catch (WorkException e) {
            LOG.log(Level.WARNING, "the server refused a Pub delivery work; trying again in a second", e);
            schedule(d, 1000);
        }
    }

    /** Waits for the deliveries in progress, then releases the endpoints and closes the connection. */
    void stop() {
        stopping = true;
        if (timer != null) {
            timer.cancel();
        }
        for (Delivery d : deliveries) {
            try {
                if (!d.awaitIdle(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warning(() -> "a Pub delivery of " + spec + " did not finish in " + STOP_WAIT_SECONDS
                            + " s; closing its connection anyway (its message is redelivered)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Delivery d : deliveries) {
            d.releaseEndpoint();
        }
        closeConnection();
        LOG.info(() -> "Pub deliveries stopped: " + spec);
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException e) {
                LOG.log(Level.WARNING, "closing the deliveries' connection failed", e);
            }
        }
    }

    /** The consumer of a delivery's session: shared subscriptions on topics, see PubActivationSpec. */
    jakarta.jms.MessageConsumer consumer(jakarta.jms.Session session, Destination destination) throws JMSException {
        String selector = PubActivationSpec.blank(spec.getMessageSelector()) ? null : spec.getMessageSelector();
        if (destination instanceof Topic topic && spec.isTopic()) {
            if (spec.isDurable()) {
                return session.createSharedDurableConsumer(topic, spec.getSubscriptionName(), selector);
            }
            String name = !PubActivationSpec.blank(spec.getSubscriptionName())
                    ? spec.getSubscriptionName()
                    : "mdb-" + Integer.toHexString((topic.getTopicName() + "|" + selector).hashCode());
            return session.createSharedConsumer(topic, name, selector);
        }
        if (destination instanceof Queue || !spec.isTopic()) {
            return session.createConsumer(destination, selector);
        }
        throw new JMSException("destinationType is jakarta.jms.Topic but the destination is " + destination);
    }
}
