package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Message;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Entry;
import io.pub.spi.MutableClock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Messages round-trip through their documents, typed properties included, up to the largest body. */
@Timeout(60)
class CouchbaseMessageDocumentTest {
    private static CouchbaseMockServer mock;

    @BeforeAll
    static void startMock() {
        mock = CouchbaseMockServer.start();
    }

    @AfterAll
    static void stopMock() {
        mock.close();
    }

    @Test
    void smallAndLargestMessagesRoundTrip() {
        byte[] largest = new byte[Message.MAX_BODY_BYTES];
        new Random(42).nextBytes(largest);
        Message small = Message.builder()
                .id("small")
                .type("t")
                .key("k")
                .header("h", "v")
                .property("b", (byte) 1)
                .property("s", (short) 2)
                .property("f", 1.5f)
                .property("l", 3L)
                .body(new byte[] {1, 2, 3})
                .publishTime(1)
                .expiration(2)
                .deliveryTime(3)
                .priority(7)
                .build();
        Message big = Message.builder().id("big").body(largest).build();
        TopicShard shard = new TopicShard("docs", 0);
        try (Controller store = Stores.open(mock.storeUrl(), mock.settings(), new MutableClock())) {
            long first = store.append(shard, List.of(small, big));
            List<Entry> entries = store.read(shard, first, 2).entries();
            assertThat(entries).extracting(Entry::message).containsExactly(small, big);
        }
    }
}
