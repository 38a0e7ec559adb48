package io.pub.compat.spring;

import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import org.springframework.jms.annotation.JmsListener;
import org.springframework.stereotype.Component;

/**
 * Processes payments, some of which fail: a payment whose int property {@code failures} is n fails
 * its first n deliveries. The container rolls the transaction back, the provider redelivers, and
 * after the factory's maxDeliveries the message goes to the dead-letter queue.
 */
@Component
public class PaymentListener {
    public static final String ID = "payments";
    private final Ledger attempts = new Ledger();
    private final Ledger processed = new Ledger();

    @JmsListener(id = ID, destination = OrderServiceApplication.PAYMENTS)
    public void onPayment(TextMessage payment) throws JMSException {
        String body = payment.getText();
        attempts.record(body);
        if (payment.getIntProperty("JMSXDeliveryCount") <= payment.getIntProperty("failures")) {
            throw new IllegalStateException("payment " + body + " declined");
        }
        processed.record(body);
    }

    /** Every delivery, failed or not. */
    public Ledger attempts() {
        return attempts;
    }

    /** Deliveries that succeeded. */
    public Ledger processed() {
        return processed;
    }
}
