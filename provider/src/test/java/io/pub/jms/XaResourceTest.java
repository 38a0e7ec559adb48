package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAJMSContext;
import jakarta.jms.XASession;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The XA state machine of an XASession's XAResource, and what a branch does to sends and receives. */
@Timeout(60)
class XaResourceTest extends JmsTestBase {
    private Connection plain;
    private Session auto;
    private Queue in;
    private Queue out;

    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    @BeforeEach
    void queues() throws JMSException {
        plain = connection();
        auto = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
        in = auto.createQueue(name("xa-in"));
        out = auto.createQueue(name("xa-out"));
    }

    private PubXAConnectionFactory xaFactory() {
        return new PubXAConnectionFactory(store().url(""), TestStores.SETTINGS, TestStores.CLOCK);
    }

    private XASession xaSession() throws JMSException {
        XAConnection c = track(xaFactory().createXAConnection());
        c.start();
        return c.createXASession();
    }

    private Xid xid(String branch) {
        return TestXid.of("tx-" + suffix, branch);
    }

    private static int code(ThrowingCall call) {
        XAException e = catchThrowableOfType(XAException.class, call::run);
        assertThat(e).as("an XAException").isNotNull();
        return e.errorCode;
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    /** What a fresh consumer gets once every lease could have lapsed. */
    private List<String> drain(Queue q) throws JMSException {
        TestStores.CLOCK.advance(Duration.ofMinutes(2));
        Session s = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer c = s.createConsumer(q);
        List<String> got = new java.util.ArrayList<>();
        for (Message m = c.receive(ABSENT_MS * 3); m != null; m = c.receive(ABSENT_MS)) {
            got.add(text(m));
        }
        s.close();
        return got;
    }

    @Test
    void anXASessionIsTransactedAndLeavesCommitToTheTransactionManager() throws Exception {
        XASession xs = xaSession();
        assertThat(xs.getTransacted()).isTrue();
        assertThat(xs.getSession()).isNotNull();
        assertThat(xs.getXAResource()).isSameAs(xs.getXAResource());
        assertThatThrownBy(xs::commit).isInstanceOf(TransactionInProgressException.class);
        assertThatThrownBy(xs::rollback).isInstanceOf(TransactionInProgressException.class);
        assertThatThrownBy(() -> xs.getSession().commit()).isInstanceOf(TransactionInProgressException.class);
    }

    @Test
    void twoPhaseCommitPublishesTheSendsAndAcksTheReceives() throws Exception {
        send(auto, in, "a", "b", "c");
        XASession xs = xaSession();
        XAResource r = xs.getXAResource();
        MessageConsumer consumer = xs.createConsumer(in);
        Xid x = xid("1");
        r.start(x, XAResource.TMNOFLAGS);
        assertThat(receiveTexts(consumer, 3)).containsExactly("a", "b", "c");
        send(xs, out, "x", "y");
        r.end(x, XAResource.TMSUCCESS);
        assertThat(drain(out)).isEmpty(); // not before commit

        assertThat(r.prepare(x)).isEqualTo(XAResource.XA_OK);
        assertThat(Arrays.stream(r.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)))
                .anyMatch(p -> TestXid.same(p, x));
        assertThat(drain(in)).as("held by the prepared branch").isEmpty();
        r.commit(x, false);

        assertThat(drain(out)).containsExactly("x", "y");
        assertThat(drain(in)).isEmpty();
        assertThat(Arrays.stream(r.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)))
                .noneMatch(p -> TestXid.same(p, x));
        assertThat(code(() -> r.commit(x, false))).isEqualTo(XAException.XAER_NOTA);
    }

    @Test
    void rollingBackAPreparedBranchRedeliversAndDropsTheSends() throws Exception {
        send(auto, in, "a");
        XASession xs = xaSession();
        XAResource r = xs.getXAResource();
        MessageConsumer consumer = xs.createConsumer(in);
        Xid x = xid("1");
        r.start(x, XAResource.TMNOFLAGS);
        assertThat(receiveTexts(consumer, 1)).containsExactly("a");
        send(xs, out, "x");
        r.end(x, XAResource.TMSUCCESS);
        r.prepare(x);
        r.rollback(x);

        Session s = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TestStores.CLOCK.advance(Duration.ofSeconds(5)); // past the rescan
        Message again = s.createConsumer(in).receive(ARRIVE_MS);
        assertThat(text(again)).isEqualTo("a");
        assertThat(again.getJMSRedelivered()).isTrue();
        assertThat(again.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        assertThat(drain(out)).isEmpty();
        assertThat(code(() -> r.rollback(x))).isEqualTo(XAException.XAER_NOTA);
    }

    @Test
    void rollingBackAnUnpreparedBranchRedeliversAndDropsTheSends() throws Exception {
        send(auto, in, "a");
        XASession xs = xaSession();
        XAResource r = xs.getXAResource();
        MessageConsumer consumer = xs.createConsumer(in);
        Xid x = xid("1");
        r.start(x, XAResource.TMNOFLAGS);
        assertThat(receiveTexts(consumer, 1)).containsExactly("a");
        send(xs, out, "x");
        r.end(x, XAResource.TMSUCCESS);
        r.rollback(x);
        consumer.close();

        TestStores.CLOCK.advance(Duration.ofSeconds(5));
        Message again = plain.createSession(false, Session.AUTO_ACKNOWLEDGE)
                .createConsumer(in)
                .receive(ARRIVE_MS);
        assertThat(text(again)).isEqualTo("a");
        assertThat(again.getJMSRedelivered()).isTrue();
        assertThat(drain(out)).isEmpty();
    }

    @Test
    void onePhaseCommitAppliesTheBranchAtOnce() throws Exception {
        send(auto, in, "a");
        XASession xs = xaSession();
        XAResource r = xs.getXAResource();
        MessageConsumer consumer = xs.createConsumer(in);
        Xid x = xid("1");
        r.start(x, XAResource.TMNOFLAGS);
        receiveTexts(consumer, 1);
        send(xs, out, "x");
        r.end(x, XAResource.TMSUCCESS);
        r.commit(x, true);
        assertThat(r.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)).noneMatch(p -> TestXid.same(p, x));
        consumer.close();
        assertThat(drain(out)).containsExactly("x");
        assertThat(drain(in)).isEmpty();
    }

    @Test
    void aBranchWithoutWorkIsReadOnly() throws Exception {
        XAResource r = xaSession().getXAResource();
        Xid x = xid("1");
        r.start(x, XAResource.TMNOFLAGS);
        r.end(x, XAResource.TMSUCCESS);
        assertThat(r.prepare(x)).isEqualTo(XAResource.XA_RDONLY);
        assertThat(code(() -> r.commit(x, false))).isEqualTo(XAException.XAER_NOTA);
    }

    @Test
    void callsOutOfOrderAreProtocolErrors() throws Exception {
        XASession xs = xaSession();
        XAResource r = xs.getXAResource();
        Xid x = xid("1");
        Xid y = xid("2");
        assertThat(code(() -> r.prepare(x))).isEqualTo(XAException.XAER_NOTA);
        assertThat(code(() -> r.commit(x, false))).isEqualTo(XAException.XAER_NOTA);
        assertThat(code(() -> r.commit(x, true))).isEqualTo(XAException.XAER_NOTA);
        assertThat(code(() -> r.rollback(x))).isEqualTo(XAException.XAER_NOTA);
        assertThat(code(() -> r.end(x, XAResource.TMSUCCESS))).isEqualTo(XAException.XAER_NOTA);
        assertThat(code(() -> r.start(x, XAResource.TMJOIN))).isEqualTo(XAException.XAER_NOTA);
        assertThat(code(() -> r.forget(x))).isEqualTo(XAException.XAER_NOTA);

        r.start(x, XAResource.TMNOFLAGS);
        assertThat(code(() -> r.start(y, XAResource.TMNOFLAGS))).isEqualTo(XAException.XAER_PROTO);
        assertThat(code(() -> r.prepare(x))).as("still active").isEqualTo(XAException.XAER_PROTO);
        assertThat(code(() -> r.commit(x, true))).isEqualTo(XAException.XAER_PROTO);
        send(xs, out, "x");
        r.end(x, XAResource.TMSUCCESS);
        assertThat(code(() -> r.end(x, XAResource.TMSUCCESS))).isEqualTo(XAException.XAER_PROTO);
        assertThat(code(() -> r.start(x, XAResource.TMRESUME)))
                .as("not suspended")
                .isEqualTo(XAException.XAER_PROTO);
        assertThat(code(() -> r.start(x, XAResource.TMNOFLAGS))).isEqualTo(XAException.XAER_DUPID);
        assertThat(code(() -> r.commit(x, false))).as("not prepared").isEqualTo(XAException.XAER_PROTO);

        assertThat(r.prepare(x)).isEqualTo(XAResource.XA_OK);
        assertThat(code(() -> r.prepare(x))).isEqualTo(XAException.XAER_PROTO);
        assertThat(code(() -> r.commit(x, true))).isEqualTo(XAException.XAER_PROTO);
        assertThat(code(() -> r.start(x, XAResource.TMNOFLAGS))).isEqualTo(XAException.XAER_DUPID);
        r.rollback(x);
        assertThat(drain(out)).isEmpty();
    }

    @Test
    void badArgumentsAreInvalid() throws Exception {
        XAResource r = xaSession().getXAResource();
        assertThat(code(() -> r.start(null, XAResource.TMNOFLAGS))).isEqualTo(XAException.XAER_INVAL);
        assertThat(code(() -> r.start(xid("1"), XAResource.TMENDRSCAN))).isEqualTo(XAException.XAER_INVAL);
        assertThat(code(() -> r.start(new TestXid(1, new byte[65], new byte[0]), XAResource.TMNOFLAGS)))
                .isEqualTo(XAException.XAER_INVAL);
        assertThat(code(() -> r.recover(XAResource.TMJOIN))).isEqualTo(XAException.XAER_INVAL);
        assertThat(code(() -> r.setTransactionTimeout(-1))).isEqualTo(XAException.XAER_INVAL);
        assertThat(r.setTransactionTimeout(30)).isTrue();
        assertThat(r.getTransactionTimeout()).isEqualTo(30);
    }

    @Test
    void aRecoveryScanHandsOutThePreparedBranchesOnce() throws Exception {
        XASession xs = xaSession();
        XAResource r = xs.getXAResource();
        Xid x = xid("1");
        r.start(x, XAResource.TMNOFLAGS);
        send(xs, out, "x");
        r.end(x, XAResource.TMSUCCESS);
        r.prepare(x);
        assertThat(r.recover(XAResource.TMSTARTRSCAN)).anyMatch(p -> TestXid.same(p, x));
        assertThat(r.recover(XAResource.TMNOFLAGS)).isEmpty();
        assertThat(r.recover(XAResource.TMENDRSCAN)).isEmpty();
        r.commit(x, false);
        assertThat(drain(out)).containsExactly("x");
    }

    @Test
    void suspendedWorkStaysInTheBranchAndWorkOutsideIsNotTransacted() throws Exception {
        XASession xs = xaSession();
        XAResource r = xs.getXAResource();
        Xid x = xid("1");
        r.start(x, XAResource.TMNOFLAGS);
        send(xs, out, "in-branch-1");
        r.end(x, XAResource.TMSUSPEND);
        send(xs, out, "outside"); // no branch: sent at once
        r.start(x, XAResource.TMRESUME);
        send(xs, out, "in-branch-2");
        r.end(x, XAResource.TMSUCCESS);
        assertThat(drain(out)).containsExactly("outside");
        r.commit(x, true);
        assertThat(drain(out)).containsExactlyInAnyOrder("in-branch-1", "in-branch-2");
    }

    @Test
    void outsideABranchReceivesAreAcknowledgedAtOnce() throws Exception {
        send(auto, in, "a");
        XASession xs = xaSession();
        MessageConsumer consumer = xs.createConsumer(in);
        assertThat(receiveTexts(consumer, 1)).containsExactly("a");
        consumer.close();
        assertThat(drain(in)).isEmpty();
    }

    @Test
    void anotherSessionOnTheSameStoreJoinsTheBranch() throws Exception {
        XASession s1 = xaSession();
        XASession s2 = xaSession();
        XAResource r1 = s1.getXAResource();
        XAResource r2 = s2.getXAResource();
        assertThat(r1.isSameRM(r2)).isTrue();
        Xid x = xid("1");
        r1.start(x, XAResource.TMNOFLAGS);
        send(s1, out, "from-1");
        r1.end(x, XAResource.TMSUCCESS);
        r2.start(x, XAResource.TMJOIN);
        send(s2, out, "from-2");
        r2.end(x, XAResource.TMSUCCESS);
        assertThat(r2.prepare(x)).isEqualTo(XAResource.XA_OK);
        r1.commit(x, false);
        assertThat(drain(out)).containsExactlyInAnyOrder("from-1", "from-2");
    }

    @Test
    void aBranchPastItsTimeoutRollsBack() throws Exception {
        send(auto, in, "a");
        XASession xs = xaSession();
        XAResource r = xs.getXAResource();
        r.setTransactionTimeout(5);
        MessageConsumer consumer = xs.createConsumer(in);
        Xid x = xid("1");
        r.start(x, XAResource.TMNOFLAGS);
        receiveTexts(consumer, 1);
        send(xs, out, "x");
        TestStores.CLOCK.advance(Duration.ofSeconds(6));
        assertThat(code(() -> r.end(x, XAResource.TMSUCCESS))).isEqualTo(XAException.XA_RBTIMEOUT);
        assertThat(code(() -> r.prepare(x))).isEqualTo(XAException.XA_RBTIMEOUT);
        assertThat(code(() -> r.prepare(x))).isEqualTo(XAException.XAER_NOTA);
        consumer.close();
        assertThat(drain(in)).containsExactly("a");
        assertThat(drain(out)).isEmpty();
    }

    @Test
    void aBranchEndedWithTmFailOnlyRollsBack() throws Exception {
        XASession xs = xaSession();
        XAResource r = xs.getXAResource();
        Xid x = xid("1");
        r.start(x, XAResource.TMNOFLAGS);
        send(xs, out, "x");
        r.end(x, XAResource.TMFAIL);
        assertThat(code(() -> r.prepare(x))).isEqualTo(XAException.XA_RBROLLBACK);
        assertThat(drain(out)).isEmpty();
    }

    @Test
    void anXAContextOffersItsResource() throws Exception {
        XAJMSContext ctx = track(xaFactory().createXAContext());
        assertThat(ctx.getTransacted()).isTrue();
        assertThat(ctx.getSessionMode()).isEqualTo(Session.SESSION_TRANSACTED);
        assertThatThrownBy(ctx::commit).isInstanceOf(TransactionInProgressRuntimeException.class);
        assertThatThrownBy(ctx::rollback).isInstanceOf(TransactionInProgressRuntimeException.class);
        XAResource r = ctx.getXAResource();
        Xid x = xid("1");
        r.start(x, XAResource.TMNOFLAGS);
        ctx.getContext().createProducer().send(out, "x");
        r.end(x, XAResource.TMSUCCESS);
        assertThat(drain(out)).isEmpty();
        assertThat(r.prepare(x)).isEqualTo(XAResource.XA_OK);
        r.commit(x, false);
        assertThat(drain(out)).containsExactly("x");
    }

    /** As a resource adapter delivers to a transacted MDB: beforeDelivery starts the branch inside onMessage. */
    private BlockingQueue<Message> listenInBranch(XASession xs, Xid x, boolean onlyFirst) throws JMSException {
        XAResource r = xs.getXAResource();
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        AtomicInteger calls = new AtomicInteger();
        xs.createConsumer(in).setMessageListener(m -> {
            try {
                if (calls.getAndIncrement() == 0 || !onlyFirst) {
                    r.start(x, XAResource.TMNOFLAGS);
                    r.end(x, XAResource.TMSUCCESS);
                }
                got.add(m);
            } catch (XAException e) {
                throw new IllegalStateException(e);
            }
        });
        return got;
    }

    @Test
    void aBranchStartedInsideAMessageListenerTakesOverTheMessageBeingProcessed() throws Exception {
        send(auto, in, "a");
        XASession xs = xaSession();
        XAResource r = xs.getXAResource();
        Xid x = xid("1");
        BlockingQueue<Message> got = listenInBranch(xs, x, true);
        assertThat(text(got.poll(ARRIVE_MS, TimeUnit.MILLISECONDS))).isEqualTo("a");
        // not acknowledged as onMessage returned: the branch has work (not read-only) and rolls it back
        assertThat(r.prepare(x)).isEqualTo(XAResource.XA_OK);
        r.rollback(x);
        TestStores.CLOCK.advance(Duration.ofSeconds(5));
        Message again = got.poll(ARRIVE_MS, TimeUnit.MILLISECONDS);
        assertThat(text(again)).isEqualTo("a");
        assertThat(again.getJMSRedelivered()).isTrue();
        xs.close(); // the second delivery, outside any branch, was acknowledged as onMessage returned
        assertThat(drain(in)).isEmpty();
    }

    @Test
    void aMessageTakenOverByABranchIsAcknowledgedByItsCommit() throws Exception {
        send(auto, in, "a");
        XASession xs = xaSession();
        XAResource r = xs.getXAResource();
        Xid x = xid("1");
        BlockingQueue<Message> got = listenInBranch(xs, x, true);
        assertThat(text(got.poll(ARRIVE_MS, TimeUnit.MILLISECONDS))).isEqualTo("a");
        r.commit(x, true);
        xs.close();
        assertThat(drain(in)).isEmpty();
        assertThat(got).isEmpty();
    }
}
