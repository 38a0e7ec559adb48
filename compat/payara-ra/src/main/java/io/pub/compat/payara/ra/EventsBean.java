package io.pub.compat.payara.ra;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/** Consumes the events topic's shared durable subscription "events-sub" through pub-ra. */
@MessageDriven(
        activationConfig = {
            @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "pub-ra"),
            @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic"),
            @ActivationConfigProperty(propertyName = "destination", propertyValue = "events"),
            @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "Durable"),
            @ActivationConfigProperty(propertyName = "subscriptionName", propertyValue = "events-sub"),
            @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "2")
        })
public class EventsBean implements MessageListener {
    @Override
    public void onMessage(Message message) {
        Receipts.work(40);
        Receipts.record("events", message);
    }
}
