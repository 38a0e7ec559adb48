package io.pub.jms.cdi;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.enterprise.inject.spi.ProcessInjectionPoint;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Pub's CDI integration, found through {@code META-INF/services/jakarta.enterprise.inject.spi.Extension}
 * when Pub's jar is on the class path. Applications can then {@code @Inject ConnectionFactory} and
 * {@code JMSContext} (with {@code @JMSConnectionFactory}, {@code @JMSSessionMode},
 * {@code @JMSPasswordCredential}) and {@code @JmsDestination("name")} queues and topics.
 *
 * <p>Every injection point is checked when the container starts: an unknown factory name, a factory
 * without a URL, a bad URL or store, a bad session mode (SESSION_TRANSACTED too: an injected context
 * cannot be committed) or an unresolvable destination fails deployment with
 * a message that names the injection point and the setting.
 */
public class PubJmsExtension implements Extension {
    private final List<InjectionPoint> injectionPoints = new ArrayList<>();
    private ContextPool pool;

    void addBeans(@Observes BeforeBeanDiscovery event, BeanManager beanManager) {
        event.addAnnotatedType(beanManager.createAnnotatedType(JmsResources.class), JmsResources.class.getName());
        event.addAnnotatedType(
                beanManager.createAnnotatedType(RequestJmsContexts.class), RequestJmsContexts.class.getName());
    }

    void collect(@Observes ProcessInjectionPoint<?, ?> event) {
        InjectionPoint ip = event.getInjectionPoint();
        Type type = ip.getType();
        if (type == JMSContext.class || type == ConnectionFactory.class || destinationQualifier(ip) != null) {
            injectionPoints.add(ip);
        }
    }

    void validate(@Observes AfterDeploymentValidation event) {
        ContextPool p;
        try {
            p = pool();
        } catch (RuntimeException e) {
            event.addDeploymentProblem(new DeploymentException("Pub JMS configuration: " + e.getMessage(), e));
            return;
        }
        for (InjectionPoint ip : injectionPoints) {
            try {
                check(p, ip);
            } catch (RuntimeException e) {
                event.addDeploymentProblem(new DeploymentException(describe(ip) + ": " + e.getMessage(), e));
            }
        }
        injectionPoints.clear();
    }

    void shutDown(@Observes BeforeShutdown event) {
        ContextPool p;
        synchronized (this) {
            p = pool;
            pool = null;
        }
        if (p != null) {
            p.shutDown();
        }
    }

    synchronized ContextPool pool() {
        if (pool == null) {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            pool = new ContextPool(CdiConfig.load(loader != null ? loader : PubJmsExtension.class.getClassLoader()));
        }
        return pool;
    }

    private static void check(ContextPool p, InjectionPoint ip) {
        if (ip.getType() == JMSContext.class) {
            ContextKey key = ContextKey.of(ip);
            p.check(key.factory(), key.userName(), key.password());
        } else if (ip.getType() == ConnectionFactory.class) {
            p.check(ContextKey.factoryName(ip), null, null);
        } else {
            Class<?> raw = ip.getType() instanceof Class<?> c ? c : Object.class;
            p.config().destination(destinationName(ip), raw);
        }
    }

    static String destinationName(InjectionPoint ip) {
        JmsDestination d = destinationQualifier(ip);
        if (d == null || d.value().isBlank()) {
            throw new IllegalArgumentException("@JmsDestination needs a destination name");
        }
        return d.value();
    }

    private static JmsDestination destinationQualifier(InjectionPoint ip) {
        for (Annotation q : ip.getQualifiers()) {
            if (q instanceof JmsDestination d) {
                return d;
            }
        }
        return null;
    }

    private static String describe(InjectionPoint ip) {
        String where = ip.getMember() == null
                ? String.valueOf(ip.getAnnotated())
                : ip.getMember().getDeclaringClass().getName() + "."
                        + ip.getMember().getName();
        return "injection point " + where + " (" + ip.getType().getTypeName() + ")";
    }
}
