package io.pub.samples.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class CdiSampleTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty("pub.connectionFactory.default.url");
    }

    @Test
    void injectedContextSendsAndReceivesInOrder() {
        System.setProperty("pub.connectionFactory.default.url", "embedded:" + dir.resolve("store"));
        List<String> received = CdiSample.run(20);
        assertThat(received).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(received.get(i)).endsWith("-" + i);
        }
    }
}
