package io.pub.jms;

import jakarta.jms.Destination;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Another provider's messages and destinations, for tests: dynamic proxies that implement only the
 * jakarta.jms interface, so the code under test cannot see Pub classes behind them.
 */
final class ForeignMessages {
    private ForeignMessages() {}

    /** A foreign message of the JMS type {@code type} whose behaviour is that of {@code delegate}. */
    static <T extends Message> T message(Class<T> type, Message delegate) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("toString") && method.getParameterCount() == 0) {
                return "foreign " + type.getSimpleName();
            }
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(ForeignMessages.class.getClassLoader(), new Class<?>[] {type}, h));
    }

    static Queue queue(String name) {
        return (Queue) Proxy.newProxyInstance(
                ForeignMessages.class.getClassLoader(),
                new Class<?>[] {Queue.class},
                (p, m, a) ->
                        m.getName().equals("getQueueName") ? name : m.getName().equals("toString") ? name : null);
    }

    static Topic topic(String name) {
        return (Topic) Proxy.newProxyInstance(
                ForeignMessages.class.getClassLoader(),
                new Class<?>[] {Topic.class},
                (p, m, a) ->
                        m.getName().equals("getTopicName") ? name : m.getName().equals("toString") ? name : null);
    }

    /** A destination that is neither a Queue nor a Topic. */
    static Destination other() {
        return (Destination) Proxy.newProxyInstance(
                ForeignMessages.class.getClassLoader(),
                new Class<?>[] {Destination.class},
                (p, m, a) -> m.getName().equals("toString") ? "other" : null);
    }
}
