package io.pub.jms.cdi;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.enterprise.util.Nonbinding;
import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Injects a configured destination by name: {@code @Inject @JmsDestination("orders") Queue orders}.
 *
 * <p>The name is looked up as {@code pub.queue.<name>} or {@code pub.topic.<name>} (system property,
 * environment variable, {@code META-INF/microprofile-config.properties}), then as {@code queue.<name>}
 * or {@code topic.<name>} in {@code jndi.properties}; the value is the physical name. A Queue or Topic
 * injection point with no such entry uses the name itself as the physical name; a plain Destination
 * needs an entry, since only the entry says whether it is a queue or a topic.
 */
@Qualifier
@Documented
@Retention(RUNTIME)
@Target({FIELD, PARAMETER, METHOD, TYPE})
public @interface JmsDestination {
    /** The configured name. */
    @Nonbinding
    String value();
}
