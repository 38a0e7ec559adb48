package io.pub.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The sample's main, as a user runs it, on a temporary embedded store. */
@Timeout(60)
class SpringJmsSampleTest {
    @TempDir
    Path dir;

    private final PrintStream originalOut = System.out;

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.clearProperty("PUB_STORE_URL");
        System.clearProperty("EVENT_COUNT");
    }

    @Test
    void mainSendsAndTheListenerProcessesEveryOrder() throws Exception {
        System.setProperty("PUB_STORE_URL", "embedded:" + dir.resolve("store"));
        System.setProperty("EVENT_COUNT", "200");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));

        SpringJmsSample.main(new String[0]);

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("sent 200 orders, listener processed 200 distinct");
    }
}
