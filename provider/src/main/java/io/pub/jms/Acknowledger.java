package io.pub.jms;

import jakarta.jms.JMSException;

/**
 * What {@link jakarta.jms.Message#acknowledge()} does for a delivered message. The session supplies
 * it, because what acknowledging means depends on its acknowledgement mode.
 */
interface Acknowledger {
    void acknowledge() throws JMSException;
}
