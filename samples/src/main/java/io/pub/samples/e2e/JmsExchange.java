package io.pub.samples.e2e;

import io.pub.Pub;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.jms.PubConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The e2e exchange in standard JMS: every event is sent to a topic, consumed by two consumers that
 * share a durable subscription (CLIENT_ACKNOWLEDGE, acknowledging every CONSUMER_BATCH_SIZE
 * messages), and to a queue with its own consumer. Sends are transacted, one commit per
 * PUBLISH_BATCH_SIZE events. Only {@code PubConnectionFactory} is Pub-specific.
 */
final class JmsExchange {
    static final String EVENT_ID = "eventId";
    static final String SENT_NANOS = "e2eSentNanos";
    private static final String SUBSCRIPTION = "e2e";
    private static final Logger LOG = LoggerFactory.getLogger(JmsExchange.class);

    private final Settings settings;
    private final String storeUrl;
    private final String runId;
    private final E2eConfig config;
    private final EventTally tally;

    JmsExchange(Settings settings, String storeUrl, String runId, E2eConfig config, EventTally tally) {
        this.settings = settings;
        this.storeUrl = storeUrl;
        this.runId = runId;
        this.config = config;
        this.tally = tally;
    }

    String topicName() {
        return "e2e-" + runId;
    }

    String queueName() {
        return "e2e-" + runId + "-q";
    }

    /** The factory URL: the store URL, leasing CONSUMER_BATCH_SIZE ahead unless PUB_PREFETCH says otherwise. */
    String factoryUrl() {
        if (settings.get("PUB_PREFETCH").isPresent() || storeUrl.contains("prefetch=")) {
            return storeUrl;
        }
        return storeUrl + (storeUrl.contains("?") ? "&" : "?") + "prefetch=" + config.consumerBatchSize();
    }

    void run() throws JMSException, InterruptedException {
        PubConnectionFactory factory;
        try {
            factory = new PubConnectionFactory(factoryUrl(), settings, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    Stores.URL_SETTING + " ('" + Stores.redact(storeUrl) + "'): " + e.getMessage(), e);
        }
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session setup = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = setup.createTopic(topicName());
            Queue queue = setup.createQueue(queueName());
            PublishWindow publishing =
                    new PublishWindow(Pub.Config.from(settings).rescanInterval());
            AtomicReference<Exception> failure = new AtomicReference<>();
            List<Thread> consumers = new ArrayList<>();
            // consumers first: the shared durable subscription exists before the first event is sent
            for (int i = 0; i < 2; i++) {
                Session s = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                MessageConsumer c = s.createSharedDurableConsumer(topic, SUBSCRIPTION);
                consumers.add(consumer("topic", c, publishing, failure, "e2e-topic-consumer-" + i));
            }
            Session qs = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            consumers.add(consumer("queue", qs.createConsumer(queue), publishing, failure, "e2e-queue-consumer"));
            consumers.forEach(Thread::start);
            try {
                publish(connection, topic, queue);
            } finally {
                publishing.ended();
                for (Thread t : consumers) {
                    t.join();
                }
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a consumer failed: " + failure.get(), failure.get());
            }
        }
    }

    private void publish(Connection connection, Topic topic, Queue queue) throws JMSException {
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageProducer producer = session.createProducer(null);
        double rate = config.publishRate();
        long nanosPerEvent = rate > 0 ? (long) (1e9 / rate) : 0;
        long next = System.nanoTime();
        tally.publishing();
        for (int round = 0; round < config.publishRounds(); round++) {
            for (int seq = 0; seq < config.eventCount(); seq += config.publishBatchSize()) {
                int n = Math.min(config.publishBatchSize(), config.eventCount() - seq);
                if (nanosPerEvent > 0) { // PUBLISH_MESSAGES_PER_SEC: one pause per batch
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    next += n * nanosPerEvent;
                }
                List<String> ids = new ArrayList<>(n);
                try {
                    for (int i = 0; i < n; i++) {
                        String id = runId + "-" + round + "-" + (seq + i);
                        TextMessage m = session.createTextMessage(
                                "{\"run\":\"" + runId + "\",\"round\":" + round + ",\"seq\":" + (seq + i) + "}");
                        m.setStringProperty(EVENT_ID, id);
                        m.setLongProperty(SENT_NANOS, System.nanoTime());
                        producer.send(topic, m);
                        producer.send(queue, m);
                        ids.add(id);
                    }
                    session.commit();
                    for (String id : ids) {
                        tally.published("topic/" + id);
                        tally.published("queue/" + id);
                    }
                } catch (JMSException | RuntimeException e) {
                    tally.publishFailed(2 * n);
                    LOG.warn("publish of {} events failed: {}", n, e.toString());
                    try {
                        session.rollback();
                    } catch (JMSException ignored) {
                        // the session is gone; the next batch reports its own failure
                    }
                }
            }
        }
        session.close();
    }

    private Thread consumer(
            String destination,
            MessageConsumer consumer,
            PublishWindow publishing,
            AtomicReference<Exception> failure,
            String name) {
        return new Thread(
                () -> {
                    try {
                        consume(destination, consumer, publishing);
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                },
                name);
    }

    private void consume(String destination, MessageConsumer consumer, PublishWindow publishing) throws JMSException {
        int empty = 0;
        int unacked = 0;
        Message last = null;
        long wait = Math.max(1, config.emptyPollWait().toMillis());
        while (true) {
            boolean done = publishing.settled(); // read before receiving: only later receives count as empty
            Message m = consumer.receive(wait);
            if (m == null) {
                if (last != null) {
                    last.acknowledge(); // acknowledges everything this session received so far
                    last = null;
                    unacked = 0;
                }
                if (done && ++empty >= config.consumerMaxEmptyCount()) {
                    break;
                }
                continue;
            }
            empty = 0;
            String id = m.getStringProperty(EVENT_ID);
            long sent = m.propertyExists(SENT_NANOS) ? m.getLongProperty(SENT_NANOS) : 0;
            tally.delivered(id == null ? null : destination + "/" + id, sent, m.getJMSRedelivered());
            last = m;
            if (++unacked >= config.consumerBatchSize()) {
                m.acknowledge();
                last = null;
                unacked = 0;
            }
        }
        consumer.close();
    }
}
