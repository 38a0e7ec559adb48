package io.pub.jms.cdi;

import jakarta.enterprise.inject.spi.Annotated;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSPasswordCredential;
import jakarta.jms.JMSSessionMode;

/**
 * What an injection point asks of its JMSContext: factory, credentials, session mode. Injection
 * points that ask the same share one context within a request.
 */
record ContextKey(String factory, String userName, String password, int sessionMode) {
    ContextKey {
        if (sessionMode != JMSContext.AUTO_ACKNOWLEDGE
                && sessionMode != JMSContext.CLIENT_ACKNOWLEDGE
                && sessionMode != JMSContext.DUPS_OK_ACKNOWLEDGE
                && sessionMode != JMSContext.SESSION_TRANSACTED) {
            throw new IllegalArgumentException("@JMSSessionMode(" + sessionMode
                    + ") is not a session mode: expected JMSContext.AUTO_ACKNOWLEDGE, CLIENT_ACKNOWLEDGE,"
                    + " DUPS_OK_ACKNOWLEDGE or SESSION_TRANSACTED");
        }
    }

    static ContextKey of(InjectionPoint ip) {
        Annotated a = ip == null ? null : ip.getAnnotated();
        JMSSessionMode mode = a == null ? null : a.getAnnotation(JMSSessionMode.class);
        JMSPasswordCredential credential = a == null ? null : a.getAnnotation(JMSPasswordCredential.class);
        if (mode != null && mode.value() == JMSContext.SESSION_TRANSACTED) {
            // commit is forbidden on an injected context (12.4.5), so its sends would only ever roll back.
            throw new IllegalArgumentException("@JMSSessionMode(SESSION_TRANSACTED) cannot be used on an injected"
                    + " JMSContext: without a container transaction nothing could commit it; call"
                    + " createContext(JMSContext.SESSION_TRANSACTED) on it, or on an injected ConnectionFactory,"
                    + " and commit that context");
        }
        return new ContextKey(
                factoryName(ip),
                credential == null ? null : credential.userName(),
                credential == null ? null : credential.password(),
                mode == null ? JMSContext.AUTO_ACKNOWLEDGE : mode.value());
    }

    /** The connection factory an injection point names with @JMSConnectionFactory, else the default. */
    static String factoryName(InjectionPoint ip) {
        Annotated a = ip == null ? null : ip.getAnnotated();
        JMSConnectionFactory factory = a == null ? null : a.getAnnotation(JMSConnectionFactory.class);
        return CdiConfig.factoryName(factory == null ? null : factory.value());
    }

    /** The connection this key's contexts share: same factory, same credentials. */
    ContextKey connectionKey() {
        return new ContextKey(factory, userName, password, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public String toString() {
        // Never the password.
        return "factory '" + factory + "'" + (userName == null ? "" : ", user '" + userName + "'") + ", session mode "
                + sessionMode;
    }
}
