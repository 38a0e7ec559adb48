package io.pub.compat.spring;

import org.springframework.jms.annotation.JmsListener;
import org.springframework.stereotype.Component;

/** Answers quote requests; Spring sends the return value to the request's JMSReplyTo. */
@Component
public class QuoteListener {
    @JmsListener(destination = OrderServiceApplication.QUOTES)
    public String quote(String request) {
        return "quote for " + request;
    }
}
