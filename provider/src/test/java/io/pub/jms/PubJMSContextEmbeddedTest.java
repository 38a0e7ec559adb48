package io.pub.jms;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The JMSContext contract over Pub's own connections, on the embedded store in a temporary directory. */
class PubJMSContextEmbeddedTest extends PubJMSContextContract {
    @TempDir
    static Path dir;

    private static PubConnectionFactory factory;

    @BeforeAll
    static void factory() {
        factory = new PubConnectionFactory("embedded:" + dir.resolve("store"));
    }

    @Override
    Connection newConnection() throws JMSException {
        return factory.createConnection();
    }
}
