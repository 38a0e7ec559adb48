package io.pub.jms;

import io.pub.Settings;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JVM for {@link AsyncSendFloodTest}, run with a small heap: one session sends {@code count}
 * messages of {@code size} bytes with a CompletionListener as fast as it can, closes the connection,
 * and prints what its listener heard ("DONE sent=.. completed=.. failed=..").
 *
 * <p>Arguments: store URL, count, body size.
 */
public final class FloodChild {
    private FloodChild() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int count = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        CompletionListener listener = new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                completed.incrementAndGet();
            }

            @Override
            public void onException(Message message, Exception exception) {
                if (failed.getAndIncrement() == 0) {
                    System.out.println("FIRST FAILURE " + exception);
                }
            }
        };
        PubConnectionFactory cf = new PubConnectionFactory(
                url, Settings.only(Map.of("PUB_HOUSEKEEPING_INTERVAL", "0")), Clock.systemUTC());
        Connection c = cf.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue("flood"));
        byte[] body = new byte[size];
        for (int i = 0; i < count; i++) {
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(body);
            p.send(m, listener);
        }
        System.out.println("SENT " + count);
        c.close();
        System.out.println("DONE sent=" + count + " completed=" + completed.get() + " failed=" + failed.get());
        System.out.flush();
        SharedStores.closeLingering();
    }
}
