package io.pub.compat.payara;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploys the WAR, with Pub's jars in WEB-INF/lib, to a real Payara Micro 7 (Jakarta EE 11, Weld)
 * started as a child process. Payara needs Java 21+: the test looks for such a JDK (PUB_JAVA21_HOME,
 * else /usr/lib/jvm) and is skipped, saying so, where there is none.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PayaraMicroIT {
    private PayaraProcess payara;

    @TempDir
    Path work;

    @AfterEach
    void stop() throws Exception {
        if (payara != null) {
            payara.close();
        }
    }

    @Test
    void anApplicationInjectingJmsDeploysBesideThePlatformsJMSContextAndUsesPub() throws Exception {
        Path java = PayaraProcess.java21().orElse(null);
        Assumptions.assumeTrue(java != null, "no Java 21+ found (set PUB_JAVA21_HOME); Payara Micro 7 needs it");
        payara = PayaraProcess.start(
                java,
                work.resolve("payara"),
                List.of("PUB_STORE_URL=embedded:" + work.resolve("store")),
                List.of(Path.of(System.getProperty("war.file"))));

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(
                                URI.create("http://localhost:" + payara.port + "/pub-compat-payara/roundtrip?n=1"))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s%nserver log:%n%s", response.body(), payara.problems())
                .isEqualTo(200);
        assertThat(response.body()).contains("received=hello 1");
        // the platform's JMSContext was injected, not a second one of Pub's
        assertThat(response.body()).doesNotContain("injectedContext=io.pub");
        assertThat(payara.log()).doesNotContain("WELD-001409").contains("Pub's JMSContext bean steps aside");
    }
}
