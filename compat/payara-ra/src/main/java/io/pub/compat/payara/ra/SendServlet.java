package io.pub.compat.payara.ra;

import jakarta.annotation.Resource;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.UserTransaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends numbered messages through the pooled pub-ra connection factory, each in its own JTA
 * transaction, rolling back every {@code rollbackEvery}-th. Even numbers go through the classic API
 * (Connection, Session, MessageProducer), odd ones through a JMSContext. Answers the numbers whose
 * transaction committed.
 *
 * <p>{@code /send?target=orders&from=1&count=100&rollbackEvery=4}: each message to the orders queue and
 * the events topic; {@code target=poison}: to the poison queue only.
 */
@WebServlet("/send")
public class SendServlet extends HttpServlet {
    @Resource(lookup = "java:app/jms/pub")
    ConnectionFactory factory;

    @Resource(lookup = "java:app/jms/orders")
    Queue orders;

    @Resource(lookup = "java:app/jms/events")
    Topic events;

    @Resource(lookup = "java:app/jms/poison")
    Queue poison;

    @Resource
    UserTransaction transaction;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int from = Integer.parseInt(request.getParameter("from"));
        int count = Integer.parseInt(request.getParameter("count"));
        String every = request.getParameter("rollbackEvery");
        int rollbackEvery = every == null ? 0 : Integer.parseInt(every);
        boolean toPoison = "poison".equals(request.getParameter("target"));
        List<Integer> committed = new ArrayList<>();
        try {
            for (int n = from; n < from + count; n++) {
                transaction.begin();
                if (n % 2 == 0) {
                    sendClassic(n, toPoison);
                } else {
                    sendWithContext(n, toPoison);
                }
                if (rollbackEvery > 0 && n % rollbackEvery == 0) {
                    transaction.rollback();
                } else {
                    transaction.commit();
                    committed.add(n);
                }
            }
        } catch (Exception e) {
            throw new IOException("sending failed after committing " + committed, e);
        }
        response.setContentType("text/plain");
        StringBuilder out = new StringBuilder("committed=");
        for (int i = 0; i < committed.size(); i++) {
            out.append(i == 0 ? "" : ",").append(committed.get(i));
        }
        response.getWriter().println(out);
    }

    private void sendClassic(int n, boolean toPoison) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            if (toPoison) {
                send(session, session.createProducer(poison), "poison " + n, n);
                return;
            }
            send(session, session.createProducer(orders), "order " + n, n);
            send(session, session.createProducer(events), "event " + n, n);
        }
    }

    private static void send(Session session, MessageProducer producer, String text, int n) throws JMSException {
        TextMessage m = session.createTextMessage(text);
        m.setIntProperty("n", n);
        producer.send(m);
    }

    private void sendWithContext(int n, boolean toPoison) {
        try (JMSContext context = factory.createContext()) {
            if (toPoison) {
                context.createProducer().setProperty("n", n).send(poison, "poison " + n);
                return;
            }
            context.createProducer().setProperty("n", n).send(orders, "order " + n);
            context.createProducer().setProperty("n", n).send(events, "event " + n);
        }
    }
}
