package io.pub.jms;

import io.pub.Settings;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import java.time.Duration;
import java.util.Map;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The JVM that prepares and dies, for {@link XaCrashContract}: sends {@code count} messages m0.. to
 * the input queue, then in one XA branch receives them all and sends r0.. to the output queue, ends
 * and prepares the branch, prints "PREPARED" and waits to be killed.
 *
 * <p>Arguments: store URL (with provider options), clock offset in ms, input queue, output queue,
 * count, global transaction id.
 */
public final class XaCrashChild {
    static final Map<String, String> SETTINGS = Map.of("PUB_HOUSEKEEPING_INTERVAL", "0", "PUB_SHARDS", "4");

    private XaCrashChild() {}

    public static void main(String[] args) throws Exception {
        OffsetClock clock = new OffsetClock();
        clock.advance(Duration.ofMillis(Long.parseLong(args[1])));
        int count = Integer.parseInt(args[4]);
        PubXAConnectionFactory cf = new PubXAConnectionFactory(args[0], Settings.only(SETTINGS), clock);
        Connection plain = cf.createConnection();
        Session auto = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = auto.createQueue(args[2]);
        Queue out = auto.createQueue(args[3]);
        MessageProducer p = auto.createProducer(in);
        for (int i = 0; i < count; i++) {
            p.send(auto.createTextMessage("m" + i));
        }

        XAConnection c = cf.createXAConnection();
        c.start();
        XASession xs = c.createXASession();
        XAResource r = xs.getXAResource();
        MessageConsumer consumer = xs.createConsumer(in);
        MessageProducer replies = xs.createProducer(out);
        Xid xid = TestXid.of(args[5], "b");
        r.start(xid, XAResource.TMNOFLAGS);
        for (int i = 0; i < count; i++) {
            Message m = consumer.receive(30_000);
            if (m == null) {
                System.out.println("TIMEOUT");
                System.exit(1);
            }
            String text = ((TextMessage) m).getText();
            System.out.println("GOT " + text);
            replies.send(xs.createTextMessage("r" + text.substring(1)));
        }
        r.end(xid, XAResource.TMSUCCESS);
        int vote = r.prepare(xid);
        System.out.println(vote == XAResource.XA_OK ? "PREPARED" : "VOTE " + vote);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
