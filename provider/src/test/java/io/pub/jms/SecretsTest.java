package io.pub.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.Settings;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The passwords of the users option never show: not printed, not in errors, not serialized. */
class SecretsTest extends JmsTestBase {
    private static final String ALICE = "aliceS3cr3t";
    private static final String BOB = "b0bP@ss";

    @Override
    protected TestStores store() {
        return TestStores.EMBEDDED;
    }

    private PubConnectionFactory withUsers() {
        return factory("users=alice:" + ALICE + ",bob:" + BOB.replace("@", "%40") + "&defaultUser=alice");
    }

    @Test
    void toStringAndGetUrlMaskThePasswordsAndTheFactoryStillChecksThem() throws Exception {
        PubConnectionFactory f = withUsers();
        assertThat(f.toString()).contains("alice:****").contains("bob:****").doesNotContain(ALICE, BOB, "b0b");
        assertThat(f.getUrl()).contains("users=alice:****,bob:****").doesNotContain(ALICE, "b0b");
        assertThat(f.options().toString()).doesNotContain(ALICE, BOB);
        track(f.createConnection("alice", ALICE)).close();
        track(f.createConnection("bob", BOB)).close();
        assertThatThrownBy(() -> f.createConnection("alice", "wrong")).isInstanceOf(JMSSecurityException.class);
        assertThat(new PubConnectionFactory(
                                "couchbase://admin:cbS3cret@localhost/b", TestStores.SETTINGS, TestStores.CLOCK)
                        .getUrl())
                .doesNotContain("cbS3cret");
    }

    @Test
    void theSerializedFactoryHoldsNoPasswordAndAcceptsTheSameUsers() throws Exception {
        PubConnectionFactory f = withUsers();
        f.option("users", "alice:" + ALICE + ",carol:c4rolPw"); // set through the API too
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(f);
        }
        String serialized = bytes.toString(StandardCharsets.ISO_8859_1);
        assertThat(serialized).doesNotContain(ALICE, "b0b", "c4rolPw").contains("alice");

        PubConnectionFactory copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (PubConnectionFactory) in.readObject();
        }
        assertThat(copy.toString()).doesNotContain(ALICE);
        Connection c = track(copy.createConnection("alice", ALICE));
        c.close();
        track(copy.createConnection("carol", "c4rolPw")).close();
        track(copy.createConnection()).close(); // the default identity, alice
        assertThatThrownBy(() -> copy.createConnection("alice", "aliceS3cr3T"))
                .isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> copy.createConnection("bob", BOB)).isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void aMalformedUsersListIsRefusedWithoutShowingWhatItHolds() {
        // a password with a comma splits into an entry without ':' that is all password
        assertThatThrownBy(() -> factory("users=alice:" + ALICE + ",x" + ALICE))
                .hasMessageContaining("users")
                .hasMessageNotContaining(ALICE);
        assertThatThrownBy(() -> ProviderOptions.parse(
                        "mem:x", Settings.only(Map.of("PUB_USERS", "alice:" + ALICE + "," + ALICE))))
                .hasMessageContaining("PUB_USERS")
                .hasMessageNotContaining(ALICE);
    }
}
