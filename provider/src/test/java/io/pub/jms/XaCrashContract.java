package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A JVM prepares an XA branch (it received every message of a queue and sent a reply for each) and
 * is killed (destroyForcibly, as kill -9). A new JVM, here, finds the branch with recover(): while it
 * waits its messages are not redelivered, however long ago their leases would have lapsed; commit
 * then delivers every reply exactly once and leaves the input queue empty; rollback instead gives
 * every input message back, redelivered, and no reply.
 */
@Timeout(120)
abstract class XaCrashContract extends JmsTestBase {
    static final int COUNT = 20;
    private final List<Process> children = new ArrayList<>();

    /** The store URL the child opens (it must be free for the child to open). */
    protected abstract String childUrl();

    /** A factory on the child's store, opened once the child is dead. */
    protected abstract PubXAConnectionFactory factoryAfterCrash();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    /** Runs the child until it prepared, kills it, and returns the Xid it prepared. */
    private Xid prepareAndDie(String in, String out) throws Exception {
        String gtrid = "crash-" + suffix;
        long offset = TestStores.CLOCK.millis() - System.currentTimeMillis();
        String url = childUrl() + (childUrl().contains("?") ? "&" : "?") + "leaseDuration=2s";
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        XaCrashChild.class.getName(),
                        url,
                        Long.toString(offset),
                        in,
                        out,
                        Integer.toString(COUNT),
                        gtrid)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        children.add(p);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // the child was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        int got = 0;
        while (true) {
            String line = lines.poll(90, TimeUnit.SECONDS);
            assertThat(line).as("child output before PREPARED").isNotNull();
            if (line.startsWith("GOT ")) {
                got++;
            } else if (line.equals("PREPARED")) {
                break;
            } else {
                throw new AssertionError("the child said " + line);
            }
        }
        assertThat(got).isEqualTo(COUNT);
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return TestXid.of(gtrid, "b");
    }

    private XAResource recoveringResource() throws JMSException {
        XAConnection c = track(factoryAfterCrash().createXAConnection());
        return c.createXASession().getXAResource();
    }

    private Connection plainConnection() throws JMSException {
        Connection c = track(factoryAfterCrash().createConnection());
        c.start();
        return c;
    }

    /** Every message a consumer gets until none comes for a while, with its redelivered flag. */
    private static List<Message> drain(MessageConsumer c) throws JMSException {
        List<Message> out = new ArrayList<>();
        for (Message m = c.receive(ARRIVE_MS); m != null; m = c.receive(ABSENT_MS * 2)) {
            out.add(m);
        }
        return out;
    }

    private static List<String> texts(List<Message> ms) throws JMSException {
        List<String> out = new ArrayList<>();
        for (Message m : ms) {
            out.add(text(m));
        }
        return out;
    }

    /** The prepared branch holds the input: no lease lapses into a redelivery, and no reply is out. */
    private void assertHeld(Session s, Queue in, Queue out) throws JMSException {
        TestStores.CLOCK.advance(Duration.ofMinutes(5)); // far past the dead JVM's 2 s leases
        MessageConsumer ins = s.createConsumer(in);
        MessageConsumer outs = s.createConsumer(out);
        assertThat(ins.receive(ABSENT_MS * 3)).as("a held input message").isNull();
        assertThat(outs.receive(ABSENT_MS)).as("a reply before commit").isNull();
        ins.close();
        outs.close();
    }

    @Test
    void aBranchPreparedByAKilledJvmIsRecoveredAndCommittedExactlyOnce() throws Exception {
        String in = name("xa-crash-in");
        String out = name("xa-crash-out");
        Xid xid = prepareAndDie(in, out);

        XAResource r = recoveringResource();
        Xid[] prepared = r.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        Xid found = Arrays.stream(prepared)
                .filter(x -> TestXid.same(x, xid))
                .findFirst()
                .orElseThrow(() -> new AssertionError("recover() did not list the dead JVM's branch"));
        Session s = plainConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue inQ = s.createQueue(in);
        Queue outQ = s.createQueue(out);
        assertHeld(s, inQ, outQ);

        r.commit(found, false);

        List<String> replies = texts(drain(s.createConsumer(outQ)));
        System.out.println("XA crash, commit after recover: " + replies.size() + " replies delivered, "
                + replies.stream().distinct().count() + " distinct, of " + COUNT);
        assertThat(replies).hasSize(COUNT).doesNotHaveDuplicates().containsExactlyInAnyOrder(texts("r", COUNT));
        TestStores.CLOCK.advance(Duration.ofMinutes(5));
        assertThat(s.createConsumer(inQ).receive(ABSENT_MS * 3))
                .as("input left after commit")
                .isNull();
        assertThat(r.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)).noneMatch(x -> TestXid.same(x, xid));
    }

    @Test
    void aBranchPreparedByAKilledJvmIsRecoveredAndRolledBackRedelivered() throws Exception {
        String in = name("xa-crash-in");
        String out = name("xa-crash-out");
        Xid xid = prepareAndDie(in, out);

        XAResource r = recoveringResource();
        Xid found = Arrays.stream(r.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN))
                .filter(x -> TestXid.same(x, xid))
                .findFirst()
                .orElseThrow(() -> new AssertionError("recover() did not list the dead JVM's branch"));
        Session s = plainConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue inQ = s.createQueue(in);
        Queue outQ = s.createQueue(out);
        assertHeld(s, inQ, outQ);

        r.rollback(found);

        TestStores.CLOCK.advance(Duration.ofSeconds(5)); // past the rescan
        List<Message> back = drain(s.createConsumer(inQ));
        System.out.println("XA crash, rollback after recover: " + back.size() + " input messages back, of " + COUNT);
        assertThat(texts(back)).hasSize(COUNT).containsExactlyInAnyOrder(texts("m", COUNT));
        for (Message m : back) {
            assertThat(m.getJMSRedelivered()).as("JMSRedelivered of " + text(m)).isTrue();
            assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        }
        assertThat(s.createConsumer(outQ).receive(ABSENT_MS * 3))
                .as("a reply of a rolled back branch")
                .isNull();
        assertThat(r.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)).noneMatch(x -> TestXid.same(x, xid));
    }
}
