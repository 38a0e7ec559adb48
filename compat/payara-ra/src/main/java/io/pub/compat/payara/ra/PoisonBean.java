package io.pub.compat.payara.ra;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/**
 * Fails on every message: the container rolls its transaction back, the message is redelivered, and
 * after maxDeliveries (3) it goes to the dead-letter queue.
 */
@MessageDriven(
        activationConfig = {
            @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "pub-ra"),
            @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
            @ActivationConfigProperty(propertyName = "destination", propertyValue = "poison"),
            @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "1"),
            @ActivationConfigProperty(propertyName = "maxDeliveries", propertyValue = "3"),
            @ActivationConfigProperty(propertyName = "redeliveryDelay", propertyValue = "200ms")
        })
public class PoisonBean implements MessageListener {
    @Override
    public void onMessage(Message message) {
        Receipts.record("poison", message);
        throw new IllegalStateException("poison message " + message);
    }
}
