package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real JVMs on one store (CouchbaseMock, reachable from child JVMs on loopback; the embedded store
 * cannot be shared between processes): a consumer JVM killed mid-batch, and two JVMs sharing a
 * durable subscription.
 */
@Timeout(90)
class CouchbaseCrashTest extends JmsTestBase {
    private final List<Process> children = new ArrayList<>();

    @Override
    protected TestStores store() {
        return TestStores.COUCHBASE;
    }

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    /** Starts a child JVM; its stdout lines arrive in the returned queue. */
    private BlockingQueue<String> child(String options, String mode, String destination, int count) throws Exception {
        long offset = TestStores.CLOCK.millis() - System.currentTimeMillis();
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                store().url(options),
                Long.toString(offset),
                mode,
                destination,
                Integer.toString(count));
        Process p = new ProcessBuilder(cmd)
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
        return lines;
    }

    private static void await(BlockingQueue<String> lines, String expected, List<String> got) throws Exception {
        while (true) {
            String line = lines.poll(60, TimeUnit.SECONDS);
            assertThat(line).as("child output before " + expected).isNotNull();
            if (line.equals(expected)) {
                return;
            }
            if (line.startsWith("GOT ")) {
                got.add(line.substring(4));
            }
        }
    }

    @Test
    void messagesOfAKilledConsumerAreRedeliveredWithTheirCountIncremented() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(name("crash"));
        send(s, q, texts("m", 10));
        // prefetch 1: the child leases only the five it holds
        BlockingQueue<String> out = child("leaseDuration=2s&prefetch=1", "hold", q.getQueueName(), 5);
        List<String> held = new ArrayList<>();
        await(out, "HOLDING", held);
        assertThat(held).containsExactly("m0", "m1", "m2", "m3", "m4");
        Process p = children.get(0);
        p.destroyForcibly();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();

        MessageConsumer consumer = s.createConsumer(q);
        // Only the unheld messages can be had while the dead JVM's leases last...
        assertThat(receiveTexts(consumer, 5)).containsExactly("m5", "m6", "m7", "m8", "m9");
        assertNothing(consumer);
        // ...and once they lapse (2 s lease, jumped over), the held ones come back.
        TestStores.CLOCK.advance(Duration.ofSeconds(3));
        List<String> again = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Message m = consumer.receive(ARRIVE_MS);
            assertThat(m).isNotNull();
            assertThat(m.getJMSRedelivered()).isTrue();
            assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
            again.add(text(m));
        }
        assertThat(again).containsExactlyElementsOf(held);
        assertNothing(consumer);
    }

    @Test
    void aClientIdInUseInAnotherJvmIsRefusedUntilThatJvmIsGone() throws Exception {
        String cid = name("cid");
        BlockingQueue<String> out = child("heartbeat=2s&clientID=" + cid, "idle", "unused", 0);
        await(out, "READY", new ArrayList<>());
        PubConnectionFactory f = factory("clientID=" + cid);
        org.assertj.core.api.Assertions.assertThatThrownBy(f::createConnection)
                .isInstanceOf(jakarta.jms.InvalidClientIDException.class);
        Process p = children.get(0);
        p.destroyForcibly();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        TestStores.CLOCK.advance(Duration.ofSeconds(3)); // the dead JVM's claim (2 s) lapses
        Connection c = track(f.createConnection());
        assertThat(c.getClientID()).isEqualTo(cid);
    }

    @Test
    void twoJvmsSharingADurableSubscriptionNeverGetTheSameMessage() throws Exception {
        Connection c = connection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(name("shared"));
        MessageConsumer mine = s.createSharedDurableConsumer(t, "shared");
        int n = 200;
        send(c.createSession(false, Session.AUTO_ACKNOWLEDGE), t, texts("m", n));
        List<String> parent = new ArrayList<>();
        // this JVM takes one before the child starts: a child on a fast store drained all the rest
        // before this JVM's first turn (below), however slow the machine
        Message firstOfMine = mine.receive(ARRIVE_MS);
        if (firstOfMine != null) {
            parent.add(text(firstOfMine));
        }
        BlockingQueue<String> out = child("", "shared", t.getTopicName(), 0);
        List<String> child = new ArrayList<>();
        await(out, "READY", child);
        long deadline = System.currentTimeMillis() + 60_000;
        while (parent.size() + child.size() < n && System.currentTimeMillis() < deadline) {
            // this JVM starts taking once the child has taken one, so a child slowed by a loaded
            // machine still takes part and the two compete for the rest
            Message m = child.isEmpty() ? null : mine.receive(20);
            if (m != null) {
                parent.add(text(m));
            }
            String first = child.isEmpty() ? out.poll(20, TimeUnit.MILLISECONDS) : null;
            if (first != null && first.startsWith("GOT ")) {
                child.add(first.substring(4));
            }
            for (String line; (line = out.poll()) != null; ) {
                if (line.startsWith("GOT ")) {
                    child.add(line.substring(4));
                }
            }
        }
        Set<String> both = new HashSet<>(parent);
        both.retainAll(child);
        assertThat(both).as("messages both JVMs got").isEmpty();
        Set<String> all = new HashSet<>(parent);
        all.addAll(child);
        assertThat(all).containsExactlyInAnyOrder(texts("m", n));
        assertThat(child).as("the child JVM took part").isNotEmpty();
        assertThat(parent).as("this JVM took part").isNotEmpty();
    }
}
