package io.pub.compat.payara;

import io.pub.jms.cdi.JmsDestination;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A servlet as an application in a Jakarta EE server writes it: the platform's {@code JMSContext} is
 * injected beside Pub's {@code ConnectionFactory} and destination. It sends a message through Pub and
 * receives it back, and reports which JMSContext the platform injected.
 */
@WebServlet("/roundtrip")
public class JmsServlet extends HttpServlet {
    @Inject
    JMSContext platformContext;

    @Inject
    ConnectionFactory pub;

    @Inject
    @JmsDestination("compat-payara")
    Queue queue;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String body = "hello " + request.getParameter("n");
        String received;
        try (JMSContext context = pub.createContext()) {
            JMSConsumer consumer = context.createConsumer(queue);
            context.createProducer().send(queue, body);
            received = consumer.receiveBody(String.class, 10_000);
        }
        response.setContentType("text/plain");
        response.getWriter()
                .println("received=" + received + "\ninjectedContext="
                        + platformContext.getClass().getName());
    }
}
