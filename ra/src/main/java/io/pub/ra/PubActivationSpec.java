package io.pub.ra;

import jakarta.jms.Session;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import java.io.Serializable;

/**
 * A message-driven bean's activation: the activation-config properties of Jakarta Messaging
 * ({@code destinationLookup} or {@code destination}, {@code destinationType},
 * {@code subscriptionDurability}, {@code subscriptionName}, {@code clientId}, {@code messageSelector},
 * {@code acknowledgeMode}, {@code connectionFactoryLookup} is not used) and Pub's: {@code maxSession}
 * (concurrent deliveries, default 3), {@code connectionUrl} (the store and provider options, default
 * the resource adapter's), {@code user}/{@code password}, {@code maxDeliveries},
 * {@code deadLetterQueue}, {@code redeliveryDelay}.
 *
 * <p>On a topic, every subscription is shared (so that maxSession sessions divide its messages):
 * durable ones need a subscriptionName; a non-durable one without a name gets one derived from the
 * topic and the selector.
 */
public class PubActivationSpec implements ActivationSpec, ResourceAdapterAssociation, Serializable {
    private static final long serialVersionUID = 1L;

    private String destinationLookup;
    private String destination;
    private String destinationType = "jakarta.jms.Queue";
    private String subscriptionDurability = "NonDurable";
    private String subscriptionName;
    private String clientId;
    private String messageSelector;
    private String acknowledgeMode = "Auto-acknowledge";
    private String connectionFactoryLookup;
    private Integer maxSession = 3;
    private String connectionUrl;
    private String user;
    private String password;
    private Integer maxDeliveries;
    private String deadLetterQueue;
    private String redeliveryDelay;
    private transient ResourceAdapter resourceAdapter;

    @Override
    public void validate() throws InvalidPropertyException {
        if (blank(destination) && blank(destinationLookup)) {
            throw new InvalidPropertyException("the message-driven bean's activation needs destination (a"
                    + " physical name) or destinationLookup (the JNDI name of a Queue or Topic)");
        }
        if (!blank(destinationType) && !isQueue() && !isTopic()) {
            throw new InvalidPropertyException(
                    "destinationType must be jakarta.jms.Queue or jakarta.jms.Topic, was '" + destinationType + "'");
        }
        if (!"Durable".equalsIgnoreCase(subscriptionDurability)
                && !"NonDurable".equalsIgnoreCase(subscriptionDurability)) {
            throw new InvalidPropertyException(
                    "subscriptionDurability must be Durable or NonDurable, was '" + subscriptionDurability + "'");
        }
        if (isDurable() && blank(subscriptionName)) {
            throw new InvalidPropertyException("subscriptionDurability Durable needs a subscriptionName");
        }
        sessionAcknowledgeMode(); // checks acknowledgeMode
        if (maxSession == null || maxSession < 1) {
            throw new InvalidPropertyException("maxSession must be at least 1, was " + maxSession);
        }
        if (maxDeliveries != null && maxDeliveries < 0) {
            throw new InvalidPropertyException("maxDeliveries must be 0 (unlimited) or more, was " + maxDeliveries);
        }
    }

    boolean isTopic() {
        return "jakarta.jms.Topic".equals(destinationType) || "javax.jms.Topic".equals(destinationType);
    }

    boolean isQueue() {
        return destinationType == null
                || "jakarta.jms.Queue".equals(destinationType)
                || "javax.jms.Queue".equals(destinationType);
    }

    boolean isDurable() {
        return "Durable".equalsIgnoreCase(subscriptionDurability);
    }

    int sessionAcknowledgeMode() throws InvalidPropertyException {
        if (acknowledgeMode == null || "Auto-acknowledge".equalsIgnoreCase(acknowledgeMode)) {
            return Session.AUTO_ACKNOWLEDGE;
        }
        if ("Dups-ok-acknowledge".equalsIgnoreCase(acknowledgeMode)) {
            return Session.DUPS_OK_ACKNOWLEDGE;
        }
        throw new InvalidPropertyException(
                "acknowledgeMode must be Auto-acknowledge or Dups-ok-acknowledge, was '" + acknowledgeMode + "'");
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) {
        this.resourceAdapter = ra;
    }

    public String getDestinationLookup() {
        return destinationLookup;
    }

    public void setDestinationLookup(String destinationLookup) {
        this.destinationLookup = destinationLookup;
    }

    public String getDestination() {
        return destination;
    }

    public void setDestination(String destination) {
        this.destination = destination;
    }

    public String getDestinationType() {
        return destinationType;
    }

    public void setDestinationType(String destinationType) {
        this.destinationType = destinationType;
    }

    public String getSubscriptionDurability() {
        return subscriptionDurability;
    }

    public void setSubscriptionDurability(String subscriptionDurability) {
        this.subscriptionDurability = subscriptionDurability;
    }

    public String getSubscriptionName() {
        return subscriptionName;
    }

    public void setSubscriptionName(String subscriptionName) {
        this.subscriptionName = subscriptionName;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getMessageSelector() {
        return messageSelector;
    }

    public void setMessageSelector(String messageSelector) {
        this.messageSelector = messageSelector;
    }

    public String getAcknowledgeMode() {
        return acknowledgeMode;
    }

    public void setAcknowledgeMode(String acknowledgeMode) {
        this.acknowledgeMode = acknowledgeMode;
    }

    public String getConnectionFactoryLookup() {
        return connectionFactoryLookup;
    }

    public void setConnectionFactoryLookup(String connectionFactoryLookup) {
        this.connectionFactoryLookup = connectionFactoryLookup;
    }

    public Integer getMaxSession() {
        return maxSession;
    }

    public void setMaxSession(Integer maxSession) {
        this.maxSession = maxSession;
    }

    public String getConnectionUrl() {
        return connectionUrl;
    }

    public void setConnectionUrl(String connectionUrl) {
        this.connectionUrl = connectionUrl;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public Integer getMaxDeliveries() {
        return maxDeliveries;
    }

    public void setMaxDeliveries(Integer maxDeliveries) {
        this.maxDeliveries = maxDeliveries;
    }

    public String getDeadLetterQueue() {
        return deadLetterQueue;
    }

    public void setDeadLetterQueue(String deadLetterQueue) {
        this.deadLetterQueue = deadLetterQueue;
    }

    public String getRedeliveryDelay() {
        return redeliveryDelay;
    }

    public void setRedeliveryDelay(String redeliveryDelay) {
        this.redeliveryDelay = redeliveryDelay;
    }

    @Override
    public String toString() {
        return "PubActivationSpec[" + (blank(destination) ? destinationLookup : destination) + ", "
                + destinationType + ", " + subscriptionDurability
                + (blank(subscriptionName) ? "" : ", subscription " + subscriptionName) + ", maxSession "
                + maxSession + "]";
    }
}
