package io.pub.jms;

import io.pub.Names;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import java.io.Serializable;
import java.util.Objects;

/**
 * A Pub destination: a queue or topic, permanent or temporary, named by its physical name (the Pub
 * topic that stores it). Two destinations are equal when kind and name are equal, whichever
 * connection or JNDI lookup produced them.
 */
public abstract class PubDestination implements Destination, Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;

    PubDestination(String name) {
        // Not validated here: JNDI and applications may build a destination before its name is
        // checked; every use goes through of(), which reports a bad name as InvalidDestinationException.
        this.name = name;
    }

    /** The physical name: the name of the Pub topic that stores this destination's messages. */
    public String name() {
        return name;
    }

    public abstract boolean isTopic();

    public abstract boolean isTemporary();

    /** The kind as written in the JMSReplyTo header, one of JmsHeaders.KIND_*. */
    abstract String kind();

    /**
     * The Pub destination for {@code d}: Pub destinations themselves, or a foreign provider's Queue
     * or Topic converted by name (temporary ones become plain ones: only their owner may delete them).
     */
    static PubDestination of(Destination d) throws InvalidDestinationException {
        PubDestination result;
        if (d == null) {
            throw new InvalidDestinationException("destination must not be null");
        } else if (d instanceof PubDestination p) {
            result = p;
        } else {
            try {
                if (d instanceof Queue q) {
                    result = new PubQueue(q.getQueueName());
                } else if (d instanceof Topic t) {
                    result = new PubTopic(t.getTopicName());
                } else {
                    throw new InvalidDestinationException("unsupported destination " + d + " ("
                            + d.getClass().getName() + "); expected a jakarta.jms.Queue or jakarta.jms.Topic");
                }
            } catch (InvalidDestinationException e) {
                throw e;
            } catch (JMSException e) {
                throw JmsExceptions.withCause(
                        new InvalidDestinationException("cannot read the name of destination " + d + ": " + e), e);
            }
        }
        result.check();
        return result;
    }

    /** Checks the physical name against the store's naming rules. */
    void check() throws InvalidDestinationException {
        try {
            Names.checkTopic(name, (isTopic() ? "topic" : "queue") + " name");
        } catch (IllegalArgumentException e) {
            throw JmsExceptions.withCause(new InvalidDestinationException(e.getMessage()), e);
        }
    }

    /** The JMSReplyTo header form: {@code kind:name}. */
    String encode() {
        return kind() + ":" + name;
    }

    /**
     * Reads the JMSReplyTo header form. A temporary destination read from a message belongs to another
     * connection, so it gets an owner that refuses deletion.
     */
    static PubDestination decode(String encoded) {
        int colon = encoded.indexOf(':');
        String kind = colon < 0 ? "" : encoded.substring(0, colon);
        String name = encoded.substring(colon + 1);
        return switch (kind) {
            case JmsHeaders.KIND_QUEUE -> new PubQueue(name);
            case JmsHeaders.KIND_TOPIC -> new PubTopic(name);
            case JmsHeaders.KIND_TEMP_QUEUE -> new PubTemporaryQueue(name, null);
            case JmsHeaders.KIND_TEMP_TOPIC -> new PubTemporaryTopic(name, null);
            default ->
                throw new IllegalArgumentException("JMSReplyTo header '" + encoded
                        + "' is not of the form queue:name, topic:name, temp-queue:name or temp-topic:name");
        };
    }

    /** Delegates deletion of a temporary destination to the connection that created it. */
    static void deleteTemporary(TemporaryDestinationOwner owner, PubDestination d) throws JMSException {
        if (owner == null) {
            throw new jakarta.jms.IllegalStateException(d + " can only be deleted by the connection that created it");
        }
        owner.deleteTemporary(d);
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof PubDestination d && kind().equals(d.kind()) && Objects.equals(name, d.name);
    }

    @Override
    public final int hashCode() {
        return kind().hashCode() * 31 + Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return encode();
    }
}
