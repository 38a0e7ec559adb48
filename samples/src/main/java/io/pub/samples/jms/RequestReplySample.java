package io.pub.samples.jms;

import io.pub.jms.PubConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Request and reply with the classic JMS API: a responder listens on a service queue and answers to
 * each request's JMSReplyTo; the requester sends requests with a temporary queue as reply-to and
 * matches answers by JMSCorrelationID. The temporary queue disappears with the requester's
 * connection.
 *
 * <pre>mvn -pl samples exec:java -Dexec.mainClass=io.pub.samples.jms.RequestReplySample</pre>
 */
public final class RequestReplySample {
    private RequestReplySample() {}

    public static void main(String[] args) throws JMSException {
        run(new PubConnectionFactory(), "samples.uppercase", List.of("hello", "pub"), System.out);
    }

    /** Sends each request and waits for its reply; returns the replies in order. */
    public static List<String> run(
            ConnectionFactory factory, String serviceQueue, List<String> requests, PrintStream out)
            throws JMSException {
        List<String> replies = new ArrayList<>();
        try (Connection responderConnection = factory.createConnection();
                Connection requesterConnection = factory.createConnection()) {
            startResponder(responderConnection, serviceQueue);

            Session session = requesterConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replyTo = session.createTemporaryQueue();
            MessageProducer producer = session.createProducer(session.createQueue(serviceQueue));
            MessageConsumer answers = session.createConsumer(replyTo);
            requesterConnection.start();
            for (String text : requests) {
                TextMessage request = session.createTextMessage(text);
                request.setJMSReplyTo(replyTo);
                producer.send(request);
                Message reply = answers.receive(10_000);
                if (reply == null) {
                    throw new IllegalStateException("no reply to '" + text + "' within 10 s");
                }
                if (!request.getJMSMessageID().equals(reply.getJMSCorrelationID())) {
                    throw new IllegalStateException("reply correlates to " + reply.getJMSCorrelationID() + ", expected "
                            + request.getJMSMessageID());
                }
                String answer = reply.getBody(String.class);
                out.printf("request '%s' -> reply '%s'%n", text, answer);
                replies.add(answer);
            }
            answers.close(); // a temporary queue with an open consumer cannot be deleted
            replyTo.delete();
        }
        return replies;
    }

    /** Answers every request on {@code serviceQueue} with its text in upper case. */
    private static void startResponder(Connection connection, String serviceQueue) throws JMSException {
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(serviceQueue);
        MessageProducer replies = session.createProducer(null);
        session.createConsumer(queue).setMessageListener(request -> {
            try {
                TextMessage reply =
                        session.createTextMessage(request.getBody(String.class).toUpperCase(Locale.ROOT));
                reply.setJMSCorrelationID(request.getJMSMessageID());
                replies.send(request.getJMSReplyTo(), reply);
            } catch (JMSException e) {
                throw new IllegalStateException("could not reply: " + e, e);
            }
        });
        connection.start();
    }
}
