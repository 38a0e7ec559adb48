package io.pub.compat.payara.ra;

import jakarta.ejb.Singleton;
import jakarta.jms.JMSConnectionFactoryDefinition;
import jakarta.jms.JMSDestinationDefinition;

/**
 * The application's JMS resources, defined by annotation with Pub's resource adapter: the server
 * makes a connection pool of pub-ra for the factory and pub-ra administered objects for the
 * destinations. The factory names no store: the adapter then uses PUB_STORE_URL, which the test sets.
 */
@JMSConnectionFactoryDefinition(
        name = "java:app/jms/pub",
        resourceAdapter = "pub-ra",
        interfaceName = "jakarta.jms.ConnectionFactory",
        maxPoolSize = 8,
        minPoolSize = 0)
@JMSDestinationDefinition(
        name = "java:app/jms/orders",
        resourceAdapter = "pub-ra",
        interfaceName = "jakarta.jms.Queue",
        destinationName = "orders")
@JMSDestinationDefinition(
        name = "java:app/jms/events",
        resourceAdapter = "pub-ra",
        interfaceName = "jakarta.jms.Topic",
        destinationName = "events")
@JMSDestinationDefinition(
        name = "java:app/jms/poison",
        resourceAdapter = "pub-ra",
        interfaceName = "jakarta.jms.Queue",
        destinationName = "poison")
@Singleton
public class Resources {}
