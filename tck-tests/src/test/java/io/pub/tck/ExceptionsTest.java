package io.pub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.BytesMessage;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidClientIDRuntimeException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.MessageNotWriteableRuntimeException;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.ResourceAllocationRuntimeException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.jms.TransactionRolledBackException;
import jakarta.jms.TransactionRolledBackRuntimeException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Jakarta Messaging 3.1 section 10 (exceptions): each provider error has its specific exception type, and the
 * simplified API throws the unchecked twin of each.
 */
class ExceptionsTest extends TckTest {

    @Test
    void exceptionHierarchyAndFields() {
        List<JMSException> checked = List.of(
                new IllegalStateException("r", "c"),
                new InvalidClientIDException("r", "c"),
                new InvalidDestinationException("r", "c"),
                new InvalidSelectorException("r", "c"),
                new JMSSecurityException("r", "c"),
                new MessageEOFException("r", "c"),
                new MessageFormatException("r", "c"),
                new MessageNotReadableException("r", "c"),
                new MessageNotWriteableException("r", "c"),
                new ResourceAllocationException("r", "c"),
                new TransactionInProgressException("r", "c"),
                new TransactionRolledBackException("r", "c"));
        for (JMSException e : checked) {
            assertThat(e.getMessage()).isEqualTo("r");
            assertThat(e.getErrorCode()).isEqualTo("c");
            Exception linked = new Exception("cause");
            e.setLinkedException(linked);
            assertThat(e.getLinkedException()).isSameAs(linked);
        }
        List<JMSRuntimeException> unchecked = List.of(
                new IllegalStateRuntimeException("r", "c"),
                new InvalidClientIDRuntimeException("r", "c"),
                new InvalidDestinationRuntimeException("r", "c"),
                new InvalidSelectorRuntimeException("r", "c"),
                new JMSSecurityRuntimeException("r", "c"),
                new MessageFormatRuntimeException("r", "c"),
                new MessageNotWriteableRuntimeException("r", "c"),
                new ResourceAllocationRuntimeException("r", "c"),
                new TransactionInProgressRuntimeException("r", "c"),
                new TransactionRolledBackRuntimeException("r", "c"));
        for (JMSRuntimeException e : unchecked) {
            assertThat(e.getMessage()).isEqualTo("r");
            assertThat(e.getErrorCode()).isEqualTo("c");
            Exception cause = new Exception("cause");
            assertThat(new JMSRuntimeException("r", "c", cause).getCause()).isSameAs(cause);
        }
    }

    @Test
    void providerThrowsTheSpecificCheckedTypes() throws Exception {
        Session s = session();
        assertThatThrownBy(() -> s.createConsumer(null)).isExactlyInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createConsumer(queue(), "=")).isExactlyInstanceOf(InvalidSelectorException.class);
        assertThatThrownBy(s::commit).isExactlyInstanceOf(IllegalStateException.class);
        BytesMessage bytes = s.createBytesMessage();
        bytes.writeByte((byte) 7);
        assertThatThrownBy(bytes::readByte).isExactlyInstanceOf(MessageNotReadableException.class);
        bytes.reset();
        assertThat(bytes.readByte()).isEqualTo((byte) 7);
        assertThatThrownBy(bytes::readByte).isExactlyInstanceOf(MessageEOFException.class);
        assertThatThrownBy(() -> bytes.writeByte((byte) 1)).isExactlyInstanceOf(MessageNotWriteableException.class);
        TextMessage text = s.createTextMessage("t");
        text.setBooleanProperty("b", true);
        assertThatThrownBy(() -> text.getIntProperty("b")).isExactlyInstanceOf(MessageFormatException.class);
        track(clientIdCf().createConnection());
        jakarta.jms.Connection other = track(cf().createConnection());
        assertThatThrownBy(() -> other.setClientID(clientId())).isExactlyInstanceOf(InvalidClientIDException.class);
    }

    @Test
    void simplifiedApiThrowsTheUncheckedTwins() throws Exception {
        jakarta.jms.JMSContext ctx = context();
        assertThatThrownBy(() -> ctx.createConsumer(null))
                .isExactlyInstanceOf(InvalidDestinationRuntimeException.class);
        assertThatThrownBy(() -> ctx.createConsumer(queue(), "="))
                .isExactlyInstanceOf(InvalidSelectorRuntimeException.class);
        assertThatThrownBy(ctx::commit).isExactlyInstanceOf(IllegalStateRuntimeException.class);
        jakarta.jms.JMSProducer p = ctx.createProducer().setProperty("b", true);
        assertThatThrownBy(() -> p.getIntProperty("b")).isExactlyInstanceOf(MessageFormatRuntimeException.class);
        track(clientIdCf().createContext()).createProducer();
        jakarta.jms.JMSContext other = context();
        assertThatThrownBy(() -> other.setClientID(clientId()))
                .isExactlyInstanceOf(InvalidClientIDRuntimeException.class);
    }

    @Test
    void exceptionListenerCanBeRegisteredOnConnectionAndContext() throws Exception {
        jakarta.jms.Connection c = track(cf().createConnection());
        jakarta.jms.ExceptionListener l = e -> {};
        c.setExceptionListener(l);
        assertThat(c.getExceptionListener()).isSameAs(l);
        jakarta.jms.JMSContext ctx = context();
        ctx.setExceptionListener(l);
        assertThat(ctx.getExceptionListener()).isSameAs(l);
    }
}
