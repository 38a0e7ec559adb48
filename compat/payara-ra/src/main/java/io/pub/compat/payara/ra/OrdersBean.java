package io.pub.compat.payara.ra;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/**
 * Consumes the orders queue through pub-ra, two deliveries at a time, in a container transaction; the
 * queue is found by the JNDI name of the application's {@code @JMSDestinationDefinition}.
 */
@MessageDriven(
        activationConfig = {
            @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "pub-ra"),
            @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
            @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = "java:app/jms/orders"),
            @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "2")
        })
public class OrdersBean implements MessageListener {
    @Override
    public void onMessage(Message message) {
        Receipts.work(40);
        Receipts.record("orders", message);
    }
}
