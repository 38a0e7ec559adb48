package io.pub.jms;

import java.util.Hashtable;
import javax.naming.Context;
import javax.naming.NamingException;
import javax.naming.spi.InitialContextFactory;

/**
 * JNDI for JMS clients, with the usual conventions, read from the InitialContext environment (which
 * standard JNDI merges with every {@code jndi.properties} on the class path):
 *
 * <pre>
 * java.naming.factory.initial = io.pub.jms.PubInitialContextFactory
 * connectionFactory.ConnectionFactory = embedded:./pub-data
 * connectionFactory.OrdersFactory = couchbase://db1/pubsub?clientID=orders&amp;maxDeliveries=5
 * queue.orders = orders
 * topic.prices = prices
 * </pre>
 *
 * {@code dynamicQueues/<name>} and {@code dynamicTopics/<name>} look up destinations not configured.
 * Without any {@code connectionFactory.} entry, {@code ConnectionFactory} names one for the configured
 * store (PUB_STORE_URL, else the embedded store in ./pub-data).
 */
public class PubInitialContextFactory implements InitialContextFactory {
    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) throws NamingException {
        return new PubNamingContext(environment == null ? new Hashtable<>() : environment);
    }
}
