package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.InvalidSelectorException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Jakarta Messaging 3.1 section 6.2.12 / QueueBrowser javadoc: browsing a queue. */
class Ch09BrowserTest extends TckTest {

    private static List<String> browse(QueueBrowser browser) throws Exception {
        List<String> texts = new ArrayList<>();
        Enumeration<?> e = browser.getEnumeration();
        while (e.hasMoreElements()) {
            texts.add(((TextMessage) e.nextElement()).getText());
        }
        return texts;
    }

    private Session sendAll(Queue q, int count) throws Exception {
        Session s = session();
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < count; i++) {
            TextMessage m = s.createTextMessage("m" + i);
            m.setIntProperty("n", i);
            p.send(m);
        }
        return s;
    }

    @Test
    void browsingShowsMessagesInOrderWithoutConsumingThem() throws Exception {
        Queue q = queue();
        Session s = sendAll(q, 5);
        QueueBrowser browser = s.createBrowser(q);
        assertThat(browser.getQueue().getQueueName()).isEqualTo(q.getQueueName());
        assertThat(browse(browser)).containsExactly("m0", "m1", "m2", "m3", "m4");
        browser.close();
        assertThat(browse(s.createBrowser(q))).hasSize(5);
        MessageConsumer consumer = s.createConsumer(q);
        for (int i = 0; i < 5; i++) {
            assertThat(((TextMessage) mustReceive(consumer)).getText()).isEqualTo("m" + i);
        }
    }

    @Test
    void browsingAnEmptyQueueShowsNothing() throws Exception {
        QueueBrowser browser = session().createBrowser(queue());
        assertThat(browser.getEnumeration().hasMoreElements()).isFalse();
    }

    @Test
    void browserWithSelector() throws Exception {
        Queue q = queue();
        Session s = sendAll(q, 6);
        QueueBrowser browser = s.createBrowser(q, "n >= 3");
        assertThat(browser.getMessageSelector()).isEqualTo("n >= 3");
        assertThat(browse(browser)).containsExactly("m3", "m4", "m5");
    }

    @Test
    void browserDoesNotShowConsumedMessages() throws Exception {
        Queue q = queue();
        Session s = sendAll(q, 3);
        MessageConsumer consumer = s.createConsumer(q);
        mustReceive(consumer);
        consumer.close();
        assertThat(browse(s.createBrowser(q))).containsExactly("m1", "m2");
    }

    @Test
    void browserSeesUnacknowledgedMessagesOfAnotherSessionAfterRecovery() throws Exception {
        Queue q = queue();
        sendAll(q, 2);
        Session client = connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer consumer = client.createConsumer(q);
        mustReceive(consumer);
        client.close();
        // The unacknowledged message is back on the queue once its session is closed.
        assertThat(browse(session().createBrowser(q))).containsExactlyInAnyOrder("m0", "m1");
    }

    @Test
    void browsedMessagesCarryHeadersAndProperties() throws Exception {
        Queue q = queue();
        Session s = session();
        Message sent = s.createTextMessage("with headers");
        sent.setJMSType("browsed");
        sent.setStringProperty("p", "v");
        s.createProducer(q).send(sent);
        Enumeration<?> e = s.createBrowser(q).getEnumeration();
        assertThat(e.hasMoreElements()).isTrue();
        Message m = (Message) e.nextElement();
        assertThat(m.getJMSMessageID()).isEqualTo(sent.getJMSMessageID());
        assertThat(m.getJMSType()).isEqualTo("browsed");
        assertThat(m.getStringProperty("p")).isEqualTo("v");
        assertThat(m.getJMSDestination()).isEqualTo(q);
    }

    @Test
    void browserWithInvalidSelectorIsRejected() throws Exception {
        Session s = session();
        assertThatThrownBy(() -> s.createBrowser(queue(), "n ==")).isInstanceOf(InvalidSelectorException.class);
    }

    @Test
    void browserDoesNotShowExpiredMessages() throws Exception {
        Queue q = queue();
        Session s = session();
        MessageProducer p = s.createProducer(q);
        p.send(s.createTextMessage("doomed"), jakarta.jms.DeliveryMode.PERSISTENT, 4, 100);
        p.send(s.createTextMessage("lives"));
        assertThat(s.createConsumer(queue("Idle")).receive(300)).isNull();
        assertThat(browse(s.createBrowser(q))).containsExactly("lives");
    }
}
