package io.pub.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pub.Message;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.StoreException;
import io.pub.spi.TopicInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each injected fault does to the wrapped store what it says, and is reported. */
@Timeout(30)
class ChaosControllerTest {
    private final List<String> reported = new ArrayList<>();
    private Controller store;
    private final TopicShard shard = new TopicShard("t", 0);

    @TempDir
    Path dir;

    private ChaosController open(Fault fault, Set<String> spared) {
        Path control = dir.resolve("control.properties");
        new Control(1.0, EnumSet.of(fault), 20, spared, true, false).write(control);
        ChaosController.listener = (op, f, subject) -> reported.add(op + " " + f + " " + subject);
        Controller c = Stores.open(
                "chaos:mem:" + UUID.randomUUID(),
                Settings.only(Map.of(ChaosStoreProvider.CONTROL_SETTING, control.toString())),
                Clock.systemUTC());
        assertThat(c).isInstanceOf(ChaosController.class);
        store = ((ChaosController) c).store();
        store.createTopic(new TopicInfo("t", 1, false, null));
        return (ChaosController) c;
    }

    @AfterEach
    void close() {
        ChaosController.listener = (op, f, subject) -> {};
        if (store != null) {
            store.close();
        }
    }

    private static List<Message> messages(int n) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Message.builder().body(new byte[] {(byte) i}).build());
        }
        return out;
    }

    @Test
    void aPartialBatchWritesItsFirstHalfThenFails() {
        ChaosController c = open(Fault.PARTIAL, Set.of());
        assertThatThrownBy(() -> c.append(shard, messages(4)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("partial");
        assertThat(store.head(shard)).isEqualTo(4);
        assertThat(store.read(shard, 0, 10).entries()).hasSize(2);
        assertThat(reported).containsExactly("append PARTIAL t");
    }

    @Test
    void aLostReplyAppliesTheCallThenFails() {
        ChaosController c = open(Fault.LOST_REPLY, Set.of());
        assertThatThrownBy(() -> c.append(shard, messages(3))).isInstanceOf(StoreException.class);
        assertThat(store.read(shard, 0, 10).entries()).hasSize(3);
    }

    @Test
    void aTimeoutNeverReachesTheStore() {
        ChaosController c = open(Fault.TIMEOUT, Set.of());
        assertThatThrownBy(() -> c.append(shard, messages(3))).isInstanceOf(StoreException.class);
        assertThat(store.head(shard)).isZero();
        assertThatThrownBy(() -> c.appendAsync(shard, messages(1)).join()).hasCauseInstanceOf(StoreException.class);
        assertThat(store.head(shard)).isZero();
    }

    @Test
    void latencyOnlyDelays() {
        ChaosController c = open(Fault.LATENCY, Set.of());
        assertThat(c.append(shard, messages(2))).isZero();
        assertThat(store.read(shard, 0, 10).entries()).hasSize(2);
        assertThat(reported).containsExactly("append LATENCY t");
    }

    @Test
    void sparedFaultsAreNeverInjected() {
        ChaosController c = open(Fault.FAIL, Set.of("append:FAIL"));
        assertThat(c.append(shard, messages(1))).isZero();
        assertThatThrownBy(() -> c.head(shard)).isInstanceOf(StoreException.class);
        assertThat(reported).containsExactly("head FAIL t");
    }

    @Test
    void withoutAControlFileNothingIsInjected() {
        Controller c = Stores.open("chaos:mem:" + UUID.randomUUID(), Settings.only(Map.of()), Clock.systemUTC());
        try (c) {
            c.createTopic(new TopicInfo("t", 1, false, null));
            assertThat(c.append(shard, messages(2))).isZero();
        }
    }
}
