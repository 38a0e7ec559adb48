package io.pub.jms;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The JMSContext contract over Apache ActiveMQ Artemis's classic API (in-VM, no persistence): shows
 * that the context only relies on the standard interfaces, against a provider known to be right.
 */
class PubJMSContextArtemisTest extends PubJMSContextContract {
    private static EmbeddedActiveMQ server;
    private static ActiveMQConnectionFactory factory;

    @BeforeAll
    static void startServer() throws Exception {
        server = new EmbeddedActiveMQ();
        server.setConfiguration(new ConfigurationImpl()
                .setPersistenceEnabled(false)
                .setSecurityEnabled(false)
                .setJournalDirectory("target/artemis-context/journal")
                .setBindingsDirectory("target/artemis-context/bindings")
                .setLargeMessagesDirectory("target/artemis-context/large")
                .setPagingDirectory("target/artemis-context/paging")
                .addAcceptorConfiguration("invm", "vm://7"));
        server.start();
        factory = new ActiveMQConnectionFactory("vm://7");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (factory != null) {
            factory.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Override
    Connection newConnection() throws JMSException {
        return factory.createConnection();
    }
}
