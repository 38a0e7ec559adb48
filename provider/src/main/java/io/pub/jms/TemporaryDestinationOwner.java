package io.pub.jms;

import jakarta.jms.JMSException;

/** The connection that created a temporary destination and alone may delete it. */
interface TemporaryDestinationOwner {
    void deleteTemporary(PubDestination destination) throws JMSException;
}
