package io.pub.ra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.jms.PubConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionInProgressException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The outbound side without a server: handles, local transactions and the XAResource, on an embedded store. */
@Timeout(60)
class OutboundTest {
    @TempDir
    Path dir;

    private PubManagedConnectionFactory mcf;
    private final List<ManagedConnection> opened = new ArrayList<>();
    private Connection reader;
    private MessageConsumer check;

    @BeforeEach
    void setUp() throws Exception {
        mcf = new PubManagedConnectionFactory();
        mcf.setConnectionUrl("embedded:" + dir);
        reader = new PubConnectionFactory("embedded:" + dir).createConnection();
        reader.start();
        check = reader.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(new PubRaQueueOf("q"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (ManagedConnection mc : opened) {
            mc.destroy();
        }
        reader.close();
    }

    private ManagedConnection managed() throws ResourceException {
        ManagedConnection mc = mcf.createManagedConnection(null, null);
        opened.add(mc);
        return mc;
    }

    private Session handle(ManagedConnection mc) throws ResourceException {
        return (Session) mc.getConnection(null, new SessionRequest(new Credentials(null, null), 1));
    }

    private List<String> received() throws Exception {
        List<String> out = new ArrayList<>();
        TextMessage m;
        while ((m = (TextMessage) check.receive(500)) != null) {
            out.add(m.getText());
        }
        return out;
    }

    @Test
    void theUnpooledFactorySendsThroughTheClassicApiAndAJMSContext() throws Exception {
        ConnectionFactory cf = (ConnectionFactory) mcf.createConnectionFactory();
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession();
            s.createProducer(s.createQueue("q")).send(s.createTextMessage("classic"));
        }
        try (JMSContext context = cf.createContext()) {
            context.createProducer().send(context.createQueue("q"), "context");
            // and a round trip of the context's own
            context.createProducer().send(context.createQueue("q2"), "back");
            assertThat(context.createConsumer(context.createQueue("q2")).receiveBody(String.class, 5_000))
                    .isEqualTo("back");
        }
        assertThat(received()).containsExactly("classic", "context");
    }

    @Test
    void aLocalTransactionSendsOnCommitAndNothingOnRollback() throws Exception {
        ManagedConnection mc = managed();
        LocalTransaction tx = mc.getLocalTransaction();
        tx.begin();
        Session s = handle(mc);
        s.createProducer(s.createQueue("q")).send(s.createTextMessage("rolled back"));
        assertThatThrownBy(s::commit).isInstanceOf(TransactionInProgressException.class);
        s.close();
        tx.rollback();
        tx.begin();
        s = handle(mc);
        s.createProducer(s.createQueue("q")).send(s.createTextMessage("committed"));
        s.close();
        assertThat(received()).as("nothing before the commit").isEmpty();
        tx.commit();
        assertThat(received()).containsExactly("committed");
    }

    @Test
    void theXAResourceCommitsInOnePhaseRollsBackAndGivesBackWhatItsBranchReceived() throws Exception {
        ManagedConnection mc = managed();
        XAResource xa = mc.getXAResource();
        Xid one = new TestXid(1);
        xa.start(one, XAResource.TMNOFLAGS);
        Session s = handle(mc);
        s.createProducer(s.createQueue("q")).send(s.createTextMessage("in a rolled back branch"));
        s.close();
        xa.end(one, XAResource.TMSUCCESS);
        xa.rollback(one);

        Xid two = new TestXid(2);
        xa.start(two, XAResource.TMNOFLAGS);
        s = handle(mc);
        s.createProducer(s.createQueue("q")).send(s.createTextMessage("in a committed branch"));
        s.close();
        xa.end(two, XAResource.TMSUCCESS);
        xa.commit(two, true);
        assertThat(received()).containsExactly("in a committed branch");

        // a receipt in a branch that rolls back comes back
        try (Connection c = new PubConnectionFactory("embedded:" + dir).createConnection()) {
            Session plain = c.createSession();
            plain.createProducer(plain.createQueue("work")).send(plain.createTextMessage("job"));
        }
        Xid three = new TestXid(3);
        xa.start(three, XAResource.TMNOFLAGS);
        s = handle(mc);
        TextMessage got = (TextMessage) s.createConsumer(s.createQueue("work")).receive(5_000);
        assertThat(got.getText()).isEqualTo("job");
        s.close();
        xa.end(three, XAResource.TMSUCCESS);
        xa.rollback(three);
        Session again = handle(mc);
        TextMessage redelivered =
                (TextMessage) again.createConsumer(again.createQueue("work")).receive(5_000);
        assertThat(redelivered.getText()).isEqualTo("job");
        assertThat(redelivered.getJMSRedelivered()).isTrue();
        again.close();
    }

    @Test
    void aJMSContextInAnXaBranchReceivesAndSendsWithTheBranch() throws Exception {
        try (Connection c = new PubConnectionFactory("embedded:" + dir).createConnection()) {
            Session plain = c.createSession();
            plain.createProducer(plain.createQueue("work")).send(plain.createTextMessage("job"));
        }
        ManagedConnection mc = managed();
        PubRaConnectionFactory cf = new PubRaConnectionFactory(mcf, new SingleConnectionManager(mc));
        XAResource xa = mc.getXAResource();
        Xid rolledBack = new TestXid(10);
        xa.start(rolledBack, XAResource.TMNOFLAGS);
        try (JMSContext context = cf.createContext()) {
            assertThat(context.createConsumer(context.createQueue("work")).receiveBody(String.class, 5_000))
                    .isEqualTo("job");
            context.createProducer().send(context.createQueue("q"), "reply to job");
        }
        xa.end(rolledBack, XAResource.TMSUCCESS);
        xa.rollback(rolledBack);
        assertThat(received()).as("the rolled back branch sent nothing").isEmpty();

        Xid committed = new TestXid(11);
        xa.start(committed, XAResource.TMNOFLAGS);
        try (JMSContext context = cf.createContext()) {
            assertThat(context.createConsumer(context.createQueue("work")).receiveBody(String.class, 5_000))
                    .as("the rolled back receipt comes back")
                    .isEqualTo("job");
            context.createProducer().send(context.createQueue("q"), "reply to job");
        }
        xa.end(committed, XAResource.TMSUCCESS);
        assertThat(xa.prepare(committed)).isEqualTo(XAResource.XA_OK);
        xa.commit(committed, false);
        assertThat(received()).containsExactly("reply to job");
        try (JMSContext context = cf.createContext()) {
            assertThat(context.createConsumer(context.createQueue("work")).receiveBody(String.class, 1_000))
                    .as("the committed receipt is acknowledged")
                    .isNull();
        }
    }

    /** A connection manager that hands out handles of one managed connection, as a server does in a transaction. */
    private record SingleConnectionManager(ManagedConnection mc) implements jakarta.resource.spi.ConnectionManager {
        @Override
        public Object allocateConnection(
                jakarta.resource.spi.ManagedConnectionFactory factory, jakarta.resource.spi.ConnectionRequestInfo info)
                throws ResourceException {
            return mc.getConnection(null, info);
        }
    }

    @Test
    void handlesRefuseWhatJakartaEeComponentsMayNotDo() throws Exception {
        ConnectionFactory cf = (ConnectionFactory) mcf.createConnectionFactory();
        try (Connection c = cf.createConnection()) {
            assertThatThrownBy(() -> c.setClientID("x")).hasMessageContaining("ClientId");
            assertThatThrownBy(() -> c.setExceptionListener(e -> {}))
                    .isInstanceOf(jakarta.jms.IllegalStateException.class);
            Session s = c.createSession();
            assertThatThrownBy(() -> s.setMessageListener(m -> {})).hasMessageContaining("message-driven bean");
            assertThatThrownBy(s::commit).hasMessageContaining("not transacted");
        }
    }

    @Test
    void aBadConnectionUrlFailsNamingTheDefinition() {
        PubManagedConnectionFactory bad = new PubManagedConnectionFactory();
        bad.setConnectionUrl("nope://x");
        assertThatThrownBy(() -> bad.createManagedConnection(null, null))
                .isInstanceOf(ResourceException.class)
                .hasMessageContaining("ConnectionUrl")
                .hasMessageContaining("nope");
        assertThatThrownBy(bad::validate).hasMessageContaining("ConnectionUrl");
    }

    /** A queue given by name, as an administered object is. */
    static final class PubRaQueueOf extends PubRaQueue {
        private static final long serialVersionUID = 1L;

        PubRaQueueOf(String name) {
            setName(name);
        }
    }

    record TestXid(int n) implements Xid {
        @Override
        public int getFormatId() {
            return 4711;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return ("gtrid-" + n).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] getBranchQualifier() {
            return new byte[] {1};
        }
    }
}
