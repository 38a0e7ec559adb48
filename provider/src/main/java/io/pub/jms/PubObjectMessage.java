package io.pub.jms;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.ObjectMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;

/**
 * A message whose body is a Serializable object. The object is serialized when it is set, so later
 * changes to it do not change the message, and deserialized on each read with the calling thread's
 * context class loader (application servers and plugin hosts load application classes there).
 */
final class PubObjectMessage extends PubMessage implements ObjectMessage {
    /** Java serialization of the object; null when the object is null. */
    private byte[] serialized;

    PubObjectMessage() {}

    @Override
    public void setObject(Serializable object) throws JMSException {
        checkBodyWritable();
        serialized = object == null ? null : serialize(object);
    }

    @Override
    public Serializable getObject() throws JMSException {
        return serialized == null ? null : deserialize(serialized);
    }

    @Override
    String bodyKind() {
        return JmsHeaders.BODY_OBJECT;
    }

    @Override
    byte[] encodeBody() {
        return serialized;
    }

    @Override
    void decodeBody(byte[] body, boolean nullBody) {
        serialized = nullBody ? null : body;
    }

    @Override
    boolean hasNoBody() {
        return serialized == null;
    }

    @Override
    Object bodyValue() throws JMSException {
        return getObject();
    }

    @Override
    void clearBodyContent() {
        serialized = null;
    }

    private static byte[] serialize(Serializable object) throws MessageFormatException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        } catch (IOException e) {
            throw JmsExceptions.withCause(
                    new MessageFormatException("cannot serialize the ObjectMessage body "
                            + object.getClass().getName() + ": " + e),
                    e);
        }
        return bytes.toByteArray();
    }

    private static Serializable deserialize(byte[] bytes) throws MessageFormatException {
        DeserializationPolicy policy = DeserializationPolicy.configured();
        try (ObjectInputStream in = new ContextClassLoaderObjectInputStream(new ByteArrayInputStream(bytes), policy)) {
            return (Serializable) in.readObject();
        } catch (RefusedClassException e) {
            throw JmsExceptions.withCause(new MessageFormatException(policy.refusal(e.getMessage())), e);
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw JmsExceptions.withCause(
                    new MessageFormatException("cannot deserialize the ObjectMessage body: " + e), e);
        }
    }

    /** A class the deserialization policy refuses; the message is the class name. */
    private static final class RefusedClassException extends java.io.InvalidClassException {
        RefusedClassException(String className) {
            super(className);
        }
    }

    /**
     * Resolves classes with the thread's context class loader, then as ObjectInputStream would, and
     * only those the policy allows: a class is refused as soon as it is resolved (loaded, never
     * initialised), and the policy also filters every class the stream meets (the JDK's
     * ObjectInputFilter, which covers proxies and array elements as well).
     */
    private static final class ContextClassLoaderObjectInputStream extends ObjectInputStream {
        private final DeserializationPolicy policy;

        ContextClassLoaderObjectInputStream(InputStream in, DeserializationPolicy policy) throws IOException {
            super(in);
            this.policy = policy;
            setObjectInputFilter(policy);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            Class<?> resolved = resolve(desc);
            if (!policy.allows(resolved)) {
                throw new RefusedClassException(resolved.getName());
            }
            return resolved;
        }

        private Class<?> resolve(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // fall through: primitives and classes visible to the provider itself
                }
            }
            return super.resolveClass(desc);
        }
    }
}
