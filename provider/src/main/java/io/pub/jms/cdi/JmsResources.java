package io.pub.jms.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.jms.Topic;

/**
 * The producers behind {@code @Inject ConnectionFactory} and destinations, and what creates Pub's
 * {@code JMSContext} bean (see {@link PubJmsExtension} for when that bean exists).
 */
@ApplicationScoped
class JmsResources {
    @Inject
    PubJmsExtension extension;

    @Inject
    BeanManager beanManager;

    @Inject
    RequestJmsContexts request;

    @Produces
    @Dependent
    ConnectionFactory connectionFactory(InjectionPoint ip) {
        return extension.pool().factory(ContextKey.factoryName(ip));
    }

    /** Pub's JMSContext, unless the platform provides one: the extension adds the bean that calls this. */
    JMSContext context(InjectionPoint ip) {
        return new InjectedJMSContext(extension.pool(), ContextKey.of(ip), this::requestActive, request);
    }

    @Produces
    @Dependent
    @Typed(Queue.class)
    @JmsDestination("")
    Queue queue(InjectionPoint ip) {
        return (Queue) destination(ip, Queue.class);
    }

    @Produces
    @Dependent
    @Typed(Topic.class)
    @JmsDestination("")
    Topic topic(InjectionPoint ip) {
        return (Topic) destination(ip, Topic.class);
    }

    @Produces
    @Dependent
    @Typed(Destination.class)
    @JmsDestination("")
    Destination destination(InjectionPoint ip) {
        return destination(ip, Destination.class);
    }

    private Destination destination(InjectionPoint ip, Class<?> type) {
        return extension.pool().config().destination(PubJmsExtension.destinationName(ip), type);
    }

    private boolean requestActive() {
        try {
            return beanManager.getContext(RequestScoped.class).isActive();
        } catch (ContextNotActiveException e) {
            return false;
        }
    }
}
