package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PubDestinationTest {

    @Test
    void queuesAndTopicsAreValuesByKindAndName() throws JMSException {
        assertThat(new PubQueue("a")).isEqualTo(new PubQueue("a")).hasSameHashCodeAs(new PubQueue("a"));
        assertThat(new PubQueue("a")).isNotEqualTo(new PubTopic("a")).isNotEqualTo(new PubQueue("b"));
        assertThat(new PubTemporaryQueue("a", null)).isNotEqualTo(new PubQueue("a"));
        assertThat(new PubTemporaryQueue("a", null)).isEqualTo(new PubTemporaryQueue("a", d -> {}));
        assertThat(new PubQueue("a").getQueueName()).isEqualTo("a");
        assertThat(new PubTopic("t").getTopicName()).isEqualTo("t");
        assertThat(new PubQueue("a").toString()).isEqualTo("queue:a");
        assertThat(new PubTemporaryTopic("x", null).toString()).isEqualTo("temp-topic:x");
        assertThat(new PubTopic("t").isTopic()).isTrue();
        assertThat(new PubQueue("q").isTopic()).isFalse();
        assertThat(new PubTemporaryQueue("q", null).isTemporary()).isTrue();
        assertThat(new PubQueue("q").isTemporary()).isFalse();
    }

    @Test
    void namesAreCheckedAtUse() {
        PubQueue bad = new PubQueue("has space");
        assertThatThrownBy(() -> PubDestination.of(bad))
                .isInstanceOf(InvalidDestinationException.class)
                .hasMessageContaining("queue name");
        assertThatThrownBy(() -> PubDestination.of(new PubTopic("")))
                .isInstanceOf(InvalidDestinationException.class)
                .hasMessageContaining("topic name");
        assertThatThrownBy(() -> PubDestination.of(new PubTopic(null))).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> PubDestination.of(new PubQueue("x".repeat(101))))
                .isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> PubDestination.of(null)).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> PubDestination.of(ForeignMessages.other()))
                .isInstanceOf(InvalidDestinationException.class);
    }

    @Test
    void foreignDestinationsConvertByName() throws JMSException {
        PubQueue q = new PubQueue("q.1");
        assertThat(PubDestination.of(q)).isSameAs(q);
        assertThat(PubDestination.of(ForeignMessages.queue("orders"))).isEqualTo(new PubQueue("orders"));
        assertThat(PubDestination.of(ForeignMessages.topic("news"))).isEqualTo(new PubTopic("news"));
        assertThatThrownBy(() -> PubDestination.of(ForeignMessages.queue("bad/name")))
                .isInstanceOf(InvalidDestinationException.class);
    }

    @Test
    void encodedFormRoundTrips() {
        for (PubDestination d : List.of(
                new PubQueue("q"),
                new PubTopic("t:x"),
                new PubTemporaryQueue("tq", null),
                new PubTemporaryTopic("tt", null))) {
            assertThat(PubDestination.decode(d.encode())).isEqualTo(d);
        }
        assertThatThrownBy(() -> PubDestination.decode("nonsense")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void temporaryDestinationsAreDeletedByTheirOwner() throws JMSException {
        List<PubDestination> deleted = new ArrayList<>();
        PubTemporaryQueue q = new PubTemporaryQueue("tq", deleted::add);
        PubTemporaryTopic t = new PubTemporaryTopic("tt", deleted::add);
        q.delete();
        t.delete();
        assertThat(deleted).containsExactly(q, t);
        assertThatThrownBy(() -> new PubTemporaryTopic("x", null).delete())
                .isInstanceOf(jakarta.jms.IllegalStateException.class);
        PubTemporaryQueue failing = new PubTemporaryQueue("f", d -> {
            throw new jakarta.jms.IllegalStateException("in use");
        });
        assertThatThrownBy(failing::delete).hasMessage("in use");
    }

    @Test
    void destinationsAreSerializable() throws Exception {
        for (PubDestination d : List.of(new PubQueue("q"), new PubTopic("t"), new PubTemporaryQueue("tq", x -> {}))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(d);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                assertThat(in.readObject()).isEqualTo(d);
            }
        }
    }
}
