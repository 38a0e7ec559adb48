package io.pub.compat.camel;

import jakarta.jms.ConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A small Camel application on any Jakarta Messaging provider: orders arriving on a queue are
 * forwarded, each in a local JMS transaction, to a topic of order events; an audit route keeps a
 * durable subscription to that topic, so events published while it is stopped wait for it.
 *
 * <p>Pub appears only as the ConnectionFactory handed to {@link #start}: the bare
 * {@code PubConnectionFactory}, or the same wrapped in a caching or pooling factory.
 */
public final class OrderEvents extends RouteBuilder {
    public static final String ORDERS = "orders";
    public static final String EVENTS = "order-events";
    public static final String FORWARD_ROUTE = "forward-orders";
    public static final String AUDIT_ROUTE = "audit-events";
    public static final String AUDIT_SUBSCRIPTION = "audit";

    private final String auditClientId;
    private final Ledger forwarded = new Ledger();
    private final Ledger audited = new Ledger();

    /**
     * @param auditClientId the client ID the audit route sets on its connection, or null when the
     *     connection factory already gives one (a caching or pooling factory shares its connection,
     *     so the client ID is configured on the factory instead)
     */
    public OrderEvents(String auditClientId) {
        this.auditClientId = auditClientId;
    }

    @Override
    public void configure() {
        // the durable subscriber is declared (and started) first, so it exists before events flow
        from("jms:topic:" + EVENTS + "?subscriptionDurable=true&durableSubscriptionName=" + AUDIT_SUBSCRIPTION
                        + (auditClientId == null ? "" : "&clientId=" + auditClientId))
                .routeId(AUDIT_ROUTE)
                .process(e -> audited.record(e.getMessage().getBody(String.class)));

        from("jms:queue:" + ORDERS + "?transacted=true")
                .routeId(FORWARD_ROUTE)
                .to("jms:topic:" + EVENTS)
                .process(e -> forwarded.record(e.getMessage().getBody(String.class)));
    }

    /** Orders forwarded to the topic (recorded before each transaction commits). */
    public Ledger forwarded() {
        return forwarded;
    }

    /** Events the audit route received. */
    public Ledger audited() {
        return audited;
    }

    /** A started Camel context whose "jms" component uses {@code connectionFactory}. */
    public static CamelContext start(ConnectionFactory connectionFactory, OrderEvents routes) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("jms", JmsComponent.jmsComponent(connectionFactory));
        camel.addRoutes(routes);
        camel.start();
        return camel;
    }

    /** Runs on the store named by PUB_STORE_URL (default: the embedded store in ./pub-data) until killed. */
    public static void main(String[] args) throws Exception {
        ConnectionFactory cf = new io.pub.jms.PubConnectionFactory();
        CamelContext camel = start(cf, new OrderEvents("order-events-audit"));
        Runtime.getRuntime().addShutdownHook(new Thread(camel::stop));
        Thread.currentThread().join();
    }
}
