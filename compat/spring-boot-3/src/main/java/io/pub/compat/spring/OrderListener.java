package io.pub.compat.spring;

import org.springframework.jms.annotation.JmsListener;
import org.springframework.stereotype.Component;

/** Processes orders with three to five concurrent consumers, each message in a local transaction. */
@Component
public class OrderListener {
    public static final String ID = "orders";
    private final Ledger ledger = new Ledger();

    @JmsListener(id = ID, destination = OrderServiceApplication.ORDERS, concurrency = "3-5")
    public void onOrder(String order) {
        ledger.record(order);
    }

    public Ledger ledger() {
        return ledger;
    }
}
