package io.pub.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageListener;
import jakarta.jms.ObjectMessage;
import jakarta.jms.TextMessage;

/**
 * A JMSConsumer over a MessageConsumer of its context's session.
 *
 * <p>receiveBody with a body type that does not fit: in AUTO_ACKNOWLEDGE and DUPS_OK_ACKNOWLEDGE the
 * message stays unacknowledged and is handed out again by the next receive, unchanged (not a
 * redelivery); in CLIENT_ACKNOWLEDGE and transacted mode it counts as delivered.
 */
final class PubJMSConsumer implements JMSConsumer {
    private final PubJMSContext context;
    private final MessageConsumer consumer;
    private MessageListener listener;
    /** A message whose receiveBody failed in AUTO/DUPS_OK mode; delivered before any other. */
    private Message pending; // guarded by this

    PubJMSConsumer(PubJMSContext context, MessageConsumer consumer) {
        this.context = context;
        this.consumer = consumer;
    }

    @Override
    public String getMessageSelector() {
        try {
            return consumer.getMessageSelector();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public MessageListener getMessageListener() {
        try {
            consumer.getMessageListener(); // throws when closed, as the specification asks
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
        return listener;
    }

    @Override
    public void setMessageListener(MessageListener listener) {
        try {
            consumer.setMessageListener(listener == null ? null : context.listenerFor(listener));
            this.listener = listener;
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public Message receive() {
        return receive(0);
    }

    @Override
    public Message receive(long timeout) {
        try {
            Message m = next(timeout);
            if (m != null) {
                context.delivered(m);
            } else {
                context.flushDupsOk(); // delivery went idle
            }
            return m;
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public Message receiveNoWait() {
        return receive(-1);
    }

    @Override
    public void close() {
        try {
            consumer.close();
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public <T> T receiveBody(Class<T> c) {
        return receiveBody(c, 0);
    }

    @Override
    public <T> T receiveBodyNoWait(Class<T> c) {
        return receiveBody(c, -1);
    }

    @Override
    public <T> T receiveBody(Class<T> c, long timeout) {
        try {
            Message m = context.receiveKeepingReceipt(() -> next(timeout));
            if (m == null) {
                context.flushDupsOk(); // delivery went idle
                return null;
            }
            T body;
            try {
                body = bodyOf(m, c);
            } catch (MessageFormatRuntimeException e) {
                if (context.acknowledgesEachDelivery()) {
                    synchronized (this) {
                        pending = m;
                    }
                } else {
                    context.delivered(m);
                }
                throw e;
            }
            context.delivered(m);
            return body;
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    /** The pending message, else the next one: timeout 0 waits forever, a negative one not at all. */
    private Message next(long timeout) throws JMSException {
        synchronized (this) {
            if (pending != null) {
                Message m = pending;
                pending = null;
                return m;
            }
        }
        if (timeout < 0) {
            return consumer.receiveNoWait();
        }
        return timeout == 0 ? consumer.receive() : consumer.receive(timeout);
    }

    private static <T> T bodyOf(Message m, Class<T> c) throws JMSException {
        boolean hasBodyType = m instanceof TextMessage
                || m instanceof BytesMessage
                || m instanceof MapMessage
                || m instanceof ObjectMessage;
        if (!hasBodyType) {
            // Message and StreamMessage: the specification excludes them from receiveBody.
            throw new MessageFormatRuntimeException("receiveBody cannot return the body of a " + kind(m)
                    + "; use receive() for Message and StreamMessage");
        }
        if (c == null || !m.isBodyAssignableTo(c)) {
            throw new MessageFormatRuntimeException(
                    "the body of the received " + kind(m) + " cannot be assigned to " + c);
        }
        try {
            return m.getBody(c);
        } catch (jakarta.jms.MessageFormatException e) {
            throw (MessageFormatRuntimeException) JmsExceptions.toRuntime(e);
        }
    }

    private static String kind(Message m) {
        for (Class<?> k : new Class<?>[] {
            TextMessage.class,
            BytesMessage.class,
            MapMessage.class,
            ObjectMessage.class,
            jakarta.jms.StreamMessage.class
        }) {
            if (k.isInstance(m)) {
                return k.getSimpleName();
            }
        }
        return "Message";
    }
}
