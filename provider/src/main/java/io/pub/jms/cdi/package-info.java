/**
 * Pub's CDI integration: with Pub's jar on the class path of a CDI container (Weld SE, or any
 * container that honours portable extensions), applications inject JMS resources.
 *
 * <pre>{@code
 * @Inject JMSContext context;                                   // default factory, AUTO_ACKNOWLEDGE
 * @Inject @JMSConnectionFactory("orders")
 *         @JMSSessionMode(JMSContext.CLIENT_ACKNOWLEDGE) JMSContext orders;
 * @Inject @JMSConnectionFactory("orders") ConnectionFactory factory;
 * @Inject @JmsDestination("orders") Queue queue;
 * }</pre>
 *
 * <p>Configuration, as system properties, environment variables (MicroProfile Config's mapping,
 * e.g. {@code PUB_CONNECTIONFACTORY_ORDERS_URL}) or {@code META-INF/microprofile-config.properties}:
 * {@code pub.connectionFactory.<name>.url} (store URL with provider options; the default factory
 * falls back to PUB_STORE_URL, COUCHBASE_CONNECTION_STRING, then the embedded store),
 * {@code pub.connectionFactory.<name>.clientId}, {@code pub.queue.<name>} and
 * {@code pub.topic.<name>}. The names of {@code jndi.properties} ({@code connectionFactory.<name>},
 * {@code queue.<name>}, {@code topic.<name>}) work too. Mistakes fail container start.
 *
 * <p>An injected JMSContext belongs to the request while a request is active, otherwise to its
 * injection point and the calling thread; it closes when its scope ends. See
 * {@link io.pub.jms.cdi.PubJmsExtension}.
 */
package io.pub.jms.cdi;
