package io.pub.jms.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.jms.PubQueue;
import io.pub.jms.PubTopic;
import jakarta.jms.Destination;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CdiConfigTest {
    private static CdiConfig config(Map<String, String> system, Map<String, String> env, Map<String, String> files) {
        Properties jndi = new Properties();
        jndi.setProperty("connectionFactory.legacy", "embedded:/from-jndi");
        jndi.setProperty("queue.jobs", "jobs-physical");
        return new CdiConfig(system::get, env::get, files, jndi);
    }

    @Test
    void systemPropertiesWinOverEnvironmentWhichWinsOverFiles() {
        String key = "pub.connectionFactory.orders.url";
        CdiConfig c = config(
                Map.of(key, "embedded:/sys"),
                Map.of("PUB_CONNECTIONFACTORY_ORDERS_URL", "embedded:/env"),
                Map.of(key, "embedded:/file"));
        assertThat(c.factoryUrl("orders")).isEqualTo("embedded:/sys");
        c = config(
                Map.of(), Map.of("PUB_CONNECTIONFACTORY_ORDERS_URL", "embedded:/env"), Map.of(key, "embedded:/file"));
        assertThat(c.factoryUrl("orders")).isEqualTo("embedded:/env");
        c = config(Map.of(), Map.of(), Map.of(key, "embedded:/file"));
        assertThat(c.factoryUrl("orders")).isEqualTo("embedded:/file");
        assertThat(c.factoryUrl("legacy")).isEqualTo("embedded:/from-jndi");
    }

    @Test
    void factoryNamesAndMissingUrls() {
        assertThat(CdiConfig.factoryName(null)).isEqualTo("default");
        assertThat(CdiConfig.factoryName("java:comp/DefaultJMSConnectionFactory"))
                .isEqualTo("default");
        assertThat(CdiConfig.factoryName("java:comp/env/jms/orders")).isEqualTo("jms/orders");
        CdiConfig c = config(Map.of(), Map.of(), Map.of());
        assertThat(c.factoryUrl("default")).isNotBlank(); // the store configured for everything else
        assertThatThrownBy(() -> c.factoryUrl("missing"))
                .hasMessageContaining("'missing'")
                .hasMessageContaining("pub.connectionFactory.missing.url")
                .hasMessageContaining("PUB_CONNECTIONFACTORY_MISSING_URL");
    }

    @Test
    void destinationsByNameAndType() {
        CdiConfig c = config(Map.of("pub.topic.events", "events-physical"), Map.of(), Map.of());
        assertThat(c.destination("events", Topic.class)).isEqualTo(new PubTopic("events-physical"));
        assertThat(c.destination("events", Destination.class)).isEqualTo(new PubTopic("events-physical"));
        assertThat(c.destination("jobs", Queue.class)).isEqualTo(new PubQueue("jobs-physical"));
        assertThat(c.destination("plain", Queue.class)).isEqualTo(new PubQueue("plain"));
        assertThatThrownBy(() -> c.destination("events", Queue.class)).hasMessageContaining("pub.topic.events");
        assertThatThrownBy(() -> c.destination("unknown", Destination.class))
                .hasMessageContaining("pub.queue.unknown")
                .hasMessageContaining("pub.topic.unknown");
    }
}
