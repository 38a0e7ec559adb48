package io.pub.jms;

import io.pub.Settings;
import io.pub.Stores;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.naming.Binding;
import javax.naming.CompositeName;
import javax.naming.Context;
import javax.naming.InvalidNameException;
import javax.naming.Name;
import javax.naming.NameClassPair;
import javax.naming.NameNotFoundException;
import javax.naming.NameParser;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.OperationNotSupportedException;

/** The read-only context {@link PubInitialContextFactory} returns; bindings come from the environment. */
final class PubNamingContext implements Context {
    static final String CONNECTION_FACTORY_PREFIX = "connectionFactory.";
    static final String XA_CONNECTION_FACTORY_PREFIX = "xaConnectionFactory.";
    static final String QUEUE_PREFIX = "queue.";
    static final String TOPIC_PREFIX = "topic.";
    static final String DYNAMIC_QUEUES = "dynamicQueues/";
    static final String DYNAMIC_TOPICS = "dynamicTopics/";

    private final Hashtable<Object, Object> environment;
    private final Map<String, Object> bindings = new LinkedHashMap<>();

    PubNamingContext(Hashtable<?, ?> environment) throws NamingException {
        this.environment = new Hashtable<>(environment);
        for (Map.Entry<?, ?> e : environment.entrySet()) {
            String key = String.valueOf(e.getKey());
            String value =
                    e.getValue() == null ? null : String.valueOf(e.getValue()).trim();
            if (key.startsWith(CONNECTION_FACTORY_PREFIX)) {
                bindings.put(key.substring(CONNECTION_FACTORY_PREFIX.length()), factory(key, value, false));
            } else if (key.startsWith(XA_CONNECTION_FACTORY_PREFIX)) {
                bindings.put(key.substring(XA_CONNECTION_FACTORY_PREFIX.length()), factory(key, value, true));
            } else if (key.startsWith(QUEUE_PREFIX)) {
                bindings.put(key.substring(QUEUE_PREFIX.length()), new PubQueue(physical(key, value)));
            } else if (key.startsWith(TOPIC_PREFIX)) {
                bindings.put(key.substring(TOPIC_PREFIX.length()), new PubTopic(physical(key, value)));
            }
        }
        if (bindings.values().stream()
                .noneMatch(b -> b instanceof PubConnectionFactory && !(b instanceof PubXAConnectionFactory))) {
            bindings.put("ConnectionFactory", factory("ConnectionFactory", Stores.configuredUrl(settings()), false));
        }
    }

    private static Settings settings() {
        return Settings.fromEnvironment();
    }

    private static PubConnectionFactory factory(String key, String url, boolean xa) throws NamingException {
        try {
            return xa ? new PubXAConnectionFactory(url) : new PubConnectionFactory(url);
        } catch (RuntimeException e) {
            NamingException n = new NamingException(key + ": " + e.getMessage());
            n.setRootCause(e);
            throw n;
        }
    }

    private static String physical(String key, String value) throws NamingException {
        if (value == null || value.isEmpty()) {
            throw new NamingException(key + " must name a physical destination, was empty");
        }
        return value;
    }

    @Override
    public Object lookup(String name) throws NamingException {
        if (name == null || name.isEmpty()) {
            return this;
        }
        Object bound = bindings.get(name);
        if (bound != null) {
            return bound;
        }
        if (name.startsWith(DYNAMIC_QUEUES) && name.length() > DYNAMIC_QUEUES.length()) {
            return new PubQueue(name.substring(DYNAMIC_QUEUES.length()));
        }
        if (name.startsWith(DYNAMIC_TOPICS) && name.length() > DYNAMIC_TOPICS.length()) {
            return new PubTopic(name.substring(DYNAMIC_TOPICS.length()));
        }
        NameNotFoundException e = new NameNotFoundException("'" + name + "' is not bound; configure "
                + CONNECTION_FACTORY_PREFIX + name + ", " + QUEUE_PREFIX + name + " or " + TOPIC_PREFIX + name
                + ", or look up " + DYNAMIC_QUEUES + "<name> or " + DYNAMIC_TOPICS + "<name>");
        e.setRemainingName(new CompositeName().add(name));
        throw e;
    }

    @Override
    public Object lookup(Name name) throws NamingException {
        return lookup(name.toString());
    }

    @Override
    public NamingEnumeration<NameClassPair> list(String name) throws NamingException {
        checkRoot(name);
        List<NameClassPair> out = new ArrayList<>();
        bindings.forEach((k, v) -> out.add(new NameClassPair(k, v.getClass().getName())));
        return new Enumerated<>(out);
    }

    @Override
    public NamingEnumeration<NameClassPair> list(Name name) throws NamingException {
        return list(name.toString());
    }

    @Override
    public NamingEnumeration<Binding> listBindings(String name) throws NamingException {
        checkRoot(name);
        List<Binding> out = new ArrayList<>();
        bindings.forEach((k, v) -> out.add(new Binding(k, v)));
        return new Enumerated<>(out);
    }

    @Override
    public NamingEnumeration<Binding> listBindings(Name name) throws NamingException {
        return listBindings(name.toString());
    }

    private static void checkRoot(String name) throws NamingException {
        if (name != null && !name.isEmpty()) {
            throw new NameNotFoundException("'" + name + "' is not a context; only the root can be listed");
        }
    }

    private static NamingException readOnly() {
        return new OperationNotSupportedException(
                "the Pub JNDI context is read-only; configure bindings in the environment or jndi.properties");
    }

    @Override
    public void bind(Name name, Object obj) throws NamingException {
        throw readOnly();
    }

    @Override
    public void bind(String name, Object obj) throws NamingException {
        throw readOnly();
    }

    @Override
    public void rebind(Name name, Object obj) throws NamingException {
        throw readOnly();
    }

    @Override
    public void rebind(String name, Object obj) throws NamingException {
        throw readOnly();
    }

    @Override
    public void unbind(Name name) throws NamingException {
        throw readOnly();
    }

    @Override
    public void unbind(String name) throws NamingException {
        throw readOnly();
    }

    @Override
    public void rename(Name oldName, Name newName) throws NamingException {
        throw readOnly();
    }

    @Override
    public void rename(String oldName, String newName) throws NamingException {
        throw readOnly();
    }

    @Override
    public void destroySubcontext(Name name) throws NamingException {
        throw readOnly();
    }

    @Override
    public void destroySubcontext(String name) throws NamingException {
        throw readOnly();
    }

    @Override
    public Context createSubcontext(Name name) throws NamingException {
        throw readOnly();
    }

    @Override
    public Context createSubcontext(String name) throws NamingException {
        throw readOnly();
    }

    @Override
    public Object lookupLink(Name name) throws NamingException {
        return lookup(name);
    }

    @Override
    public Object lookupLink(String name) throws NamingException {
        return lookup(name);
    }

    @Override
    public NameParser getNameParser(Name name) {
        return n -> new CompositeName(n);
    }

    @Override
    public NameParser getNameParser(String name) {
        return n -> new CompositeName(n);
    }

    @Override
    public Name composeName(Name name, Name prefix) throws NamingException {
        return ((Name) prefix.clone()).addAll(name);
    }

    @Override
    public String composeName(String name, String prefix) throws InvalidNameException {
        return prefix == null || prefix.isEmpty() ? name : prefix + "/" + name;
    }

    @Override
    public Object addToEnvironment(String propName, Object propVal) {
        return environment.put(propName, propVal);
    }

    @Override
    public Object removeFromEnvironment(String propName) {
        return environment.remove(propName);
    }

    @Override
    public Hashtable<?, ?> getEnvironment() {
        return new Hashtable<>(environment);
    }

    @Override
    public void close() {}

    @Override
    public String getNameInNamespace() {
        return "";
    }

    private static final class Enumerated<T> implements NamingEnumeration<T> {
        private final java.util.Iterator<T> it;

        Enumerated(List<T> items) {
            this.it = Collections.unmodifiableList(items).iterator();
        }

        @Override
        public T next() {
            return it.next();
        }

        @Override
        public boolean hasMore() {
            return it.hasNext();
        }

        @Override
        public void close() {}

        @Override
        public boolean hasMoreElements() {
            return it.hasNext();
        }

        @Override
        public T nextElement() {
            return it.next();
        }
    }
}
