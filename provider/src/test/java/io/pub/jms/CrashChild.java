package io.pub.jms;

import io.pub.Settings;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.Map;

/**
 * A consumer JVM for {@link CouchbaseCrashTest}: prints "READY" once its consumer exists, "GOT text"
 * for every message, and never exits by itself (the test kills it).
 *
 * <p>Arguments: store URL (with provider options), clock offset in ms (so both JVMs agree on the
 * time), mode ({@code hold}: CLIENT_ACKNOWLEDGE on a queue, receive {@code count} messages and hold
 * them unacknowledged; {@code shared}: AUTO_ACKNOWLEDGE on a shared durable subscription of a topic,
 * receive until killed; {@code idle}: only hold the connection), destination name, count.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        OffsetClock clock = new OffsetClock();
        clock.advance(Duration.ofMillis(Long.parseLong(args[1])));
        String mode = args[2];
        String destination = args[3];
        int count = Integer.parseInt(args[4]);
        PubConnectionFactory cf =
                new PubConnectionFactory(url, Settings.only(Map.of("PUB_HOUSEKEEPING_INTERVAL", "0")), clock);
        Connection c = cf.createConnection();
        c.start();
        if (mode.equals("hold")) {
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(destination));
            System.out.println("READY");
            for (int i = 0; i < count; i++) {
                Message m = consumer.receive(30_000);
                System.out.println("GOT " + ((TextMessage) m).getText());
            }
            System.out.println("HOLDING");
        } else if (mode.equals("idle")) {
            System.out.println("READY"); // holds its connection (and client ID) until killed
        } else {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createSharedDurableConsumer(s.createTopic(destination), "shared");
            System.out.println("READY");
            while (true) {
                Message m = consumer.receive(1_000);
                if (m != null) {
                    System.out.println("GOT " + ((TextMessage) m).getText());
                }
            }
        }
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
