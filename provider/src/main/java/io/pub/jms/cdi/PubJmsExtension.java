package io.pub.jms.cdi;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.enterprise.inject.spi.ProcessBean;
import jakarta.enterprise.inject.spi.ProcessInjectionPoint;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>In a full Jakarta EE container the platform already provides a {@code JMSContext} bean (backed by
 * its own default connection factory or resource adapter); a second one would make every
 * {@code @Inject JMSContext} ambiguous (WELD-001409). Pub's JMSContext bean therefore steps aside when
 * another JMSContext bean is discovered, and its injection points are left to the platform. The setting
 * {@value #CONTEXT_SETTING} chooses explicitly (on servers not recognised here, set it to {@code disabled}): {@code auto} (the default), {@code enabled} (always add
 * Pub's; the application resolves any ambiguity) or {@code disabled} (never). Pub's
 * {@code ConnectionFactory} and {@code @JmsDestination} beans have no platform twin and always exist.
 */
public class PubJmsExtension implements Extension {
    static final String CONTEXT_SETTING = "pub.cdi.jmsContext";
    /** CDI extensions through which Jakarta EE servers provide their own JMSContext bean. */
    private static final List<String> PLATFORM_JMS_EXTENSIONS =
            List.of("org.glassfish.jms.injection.JMSCDIExtension"); // GlassFish, Payara

    private static final Logger LOG = LoggerFactory.getLogger(PubJmsExtension.class);

    private final List<InjectionPoint> injectionPoints = new ArrayList<>();
    private String foreignContextBean;
    private boolean contextBeanAdded;
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

    /** Notes a JMSContext bean that is not Pub's: the platform's, or the application's own. */
    void seeBeans(@Observes ProcessBean<?> event) {
        Bean<?> bean = event.getBean();
        if (bean.getTypes().contains(JMSContext.class) && bean.getBeanClass() != PubJmsExtension.class) {
            foreignContextBean = bean.getBeanClass().getName();
        }
    }

    void addContextBean(@Observes AfterBeanDiscovery event, BeanManager beanManager) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        String mode = CdiConfig.load(loader != null ? loader : PubJmsExtension.class.getClassLoader())
                .get(CONTEXT_SETTING)
                .orElse("auto")
                .toLowerCase(Locale.ROOT);
        if (foreignContextBean == null) {
            foreignContextBean = registeredContextBean(beanManager);
        }
        if (foreignContextBean == null) {
            foreignContextBean = platformExtension(beanManager);
        }
        switch (mode) {
            case "auto" -> {
                if (foreignContextBean != null) {
                    LOG.info(
                            "JMSContext is provided by {} (the platform); Pub's JMSContext bean steps aside"
                                    + " (set {}=enabled to add it anyway)",
                            foreignContextBean,
                            CONTEXT_SETTING);
                    return;
                }
            }
            case "enabled" -> {}
            case "disabled" -> {
                return;
            }
            default -> {
                event.addDefinitionError(new DeploymentException(
                        CONTEXT_SETTING + " must be auto, enabled or disabled, was '" + mode + "'"));
                return;
            }
        }
        contextBeanAdded = true;
        event.<JMSContext>addBean()
                .beanClass(PubJmsExtension.class)
                .types(JMSContext.class, Object.class)
                .qualifiers(Default.Literal.INSTANCE, Any.Literal.INSTANCE)
                .scope(Dependent.class)
                .produceWith(instance -> instance.select(JmsResources.class)
                        .get()
                        .context(instance.select(InjectionPoint.class).get()))
                .disposeWith((context, instance) -> {
                    if (context instanceof InjectedJMSContext injected) {
                        injected.destroy();
                    }
                });
    }

    /**
     * A JMSContext bean the container already knows. Servers register theirs in ways a library's
     * extension may not observe (GlassFish and Payara add it from their own extension, whose beans need
     * not reach ours as ProcessBean events), so the bean manager is asked as well; it may refuse before
     * the end of bean discovery, and then only the events count.
     */
    private static String registeredContextBean(BeanManager beanManager) {
        try {
            for (Bean<?> bean : beanManager.getBeans(JMSContext.class)) {
                if (bean.getBeanClass() != PubJmsExtension.class) {
                    return bean.getBeanClass().getName();
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("the bean manager cannot list JMSContext beans yet", e);
        }
        return null;
    }

    /**
     * The platform's JMS extension, if it is active here. GlassFish and Payara add their JMSContext bean
     * in this same AfterBeanDiscovery event, where no extension can see another's beans, so the
     * extensions known to provide JMSContext are recognised by name (seen on Payara Micro 7).
     */
    private static String platformExtension(BeanManager beanManager) {
        for (String name : PLATFORM_JMS_EXTENSIONS) {
            try {
                Class<?> type = Class.forName(name, false, PubJmsExtension.class.getClassLoader());
                if (Extension.class.isAssignableFrom(type)) {
                    beanManager.getExtension(type.asSubclass(Extension.class));
                    return name;
                }
            } catch (ClassNotFoundException | LinkageError | IllegalArgumentException e) {
                // not this platform, or its extension is not active in this deployment
            }
        }
        return null;
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
            if (ip.getType() == JMSContext.class && !contextBeanAdded) {
                continue; // the platform's JMSContext serves it
            }
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
