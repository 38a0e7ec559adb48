package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.spi.StoreException;
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
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.MessageNotWriteableRuntimeException;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.ResourceAllocationRuntimeException;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.jms.TransactionRolledBackException;
import jakarta.jms.TransactionRolledBackRuntimeException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class JmsExceptionsTest {

    static final Map<JMSException, Class<? extends JMSRuntimeException>> TWINS = twins();

    private static Map<JMSException, Class<? extends JMSRuntimeException>> twins() {
        Map<JMSException, Class<? extends JMSRuntimeException>> m = new LinkedHashMap<>();
        m.put(new IllegalStateException("m", "c"), IllegalStateRuntimeException.class);
        m.put(new InvalidClientIDException("m", "c"), InvalidClientIDRuntimeException.class);
        m.put(new InvalidDestinationException("m", "c"), InvalidDestinationRuntimeException.class);
        m.put(new InvalidSelectorException("m", "c"), InvalidSelectorRuntimeException.class);
        m.put(new JMSSecurityException("m", "c"), JMSSecurityRuntimeException.class);
        m.put(new MessageFormatException("m", "c"), MessageFormatRuntimeException.class);
        m.put(new MessageNotWriteableException("m", "c"), MessageNotWriteableRuntimeException.class);
        m.put(new ResourceAllocationException("m", "c"), ResourceAllocationRuntimeException.class);
        m.put(new TransactionInProgressException("m", "c"), TransactionInProgressRuntimeException.class);
        m.put(new TransactionRolledBackException("m", "c"), TransactionRolledBackRuntimeException.class);
        m.put(new MessageEOFException("m", "c"), JMSRuntimeException.class);
        m.put(new JMSException("m", "c"), JMSRuntimeException.class);
        return m;
    }

    @Test
    void everyCheckedExceptionHasItsRuntimeTwin() {
        TWINS.forEach((checked, twin) -> {
            JMSRuntimeException r = JmsExceptions.toRuntime(checked);
            assertThat(r).isExactlyInstanceOf(twin);
            assertThat(r.getMessage()).isEqualTo("m");
            assertThat(r.getErrorCode()).isEqualTo("c");
            assertThat(r.getCause()).isSameAs(checked);
            // and back: the checked twin of the runtime one is of the original class
            JMSException back = JmsExceptions.toJms(r);
            assertThat(back)
                    .isExactlyInstanceOf(twin == JMSRuntimeException.class ? JMSException.class : checked.getClass());
            assertThat(back.getErrorCode()).isEqualTo("c");
            assertThat(back.getCause()).isSameAs(r);
        });
    }

    @Test
    void storeExceptionsKeepCauseAndText() {
        StoreException cause = new StoreException("insert of orders/0/5 failed: timeout");
        JMSException e = JmsExceptions.toJms(cause);
        assertThat(e).isExactlyInstanceOf(JMSException.class);
        assertThat(e.getMessage()).contains("insert of orders/0/5 failed: timeout");
        assertThat(e.getErrorCode()).isEqualTo(JmsExceptions.STORE_ERROR);
        assertThat(e.getCause()).isSameAs(cause);
        assertThat(e.getLinkedException()).isSameAs(cause);
        assertThat(JmsExceptions.toJms(new ExecutionException(cause)).getCause())
                .isSameAs(cause);
    }

    @Test
    void illegalArgumentsMapByContext() {
        IllegalArgumentException bad = new IllegalArgumentException("topic name must not be empty");
        assertThat(JmsExceptions.toJms(bad, JmsExceptions.Context.DESTINATION))
                .isExactlyInstanceOf(InvalidDestinationException.class)
                .hasMessage("topic name must not be empty")
                .hasCause(bad);
        assertThat(JmsExceptions.toJms(bad, JmsExceptions.Context.SELECTOR))
                .isExactlyInstanceOf(InvalidSelectorException.class);
        assertThat(JmsExceptions.toJms(bad, JmsExceptions.Context.CLIENT_ID))
                .isExactlyInstanceOf(InvalidClientIDException.class);
        assertThat(JmsExceptions.toJms(bad)).isExactlyInstanceOf(JMSException.class);
    }

    @Test
    void interruptsAreKept() {
        try {
            JMSException e = JmsExceptions.toJms(new InterruptedException("stop"));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(e.getErrorCode()).isEqualTo(JmsExceptions.INTERRUPTED);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void otherThrowables() {
        JMSException same = new InvalidSelectorException("x");
        assertThat(JmsExceptions.toJms(same)).isSameAs(same);
        assertThat(JmsExceptions.toJms(new java.lang.IllegalStateException("closed")))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("closed");
        RuntimeException npe = new NullPointerException();
        assertThat(JmsExceptions.toJms(npe)).hasCause(npe).hasMessageContaining("NullPointerException");
        assertThatThrownBy(() -> JmsExceptions.toJms(new OutOfMemoryError("oom")))
                .isInstanceOf(OutOfMemoryError.class);
    }
}
