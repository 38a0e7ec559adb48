package io.pub.couchbase;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The messages a store keeps of its own writes: what a range gets, what is forgotten, the bounds. */
@Timeout(30)
class LocalMessagesTest {
    private static final TopicShard A = new TopicShard("a", 0);
    private static final TopicShard B = new TopicShard("a", 1);

    private static List<byte[]> encoded(String prefix, int n, int bodyBytes) {
        return IntStream.range(0, n)
                .mapToObj(i -> Documents.encode(
                        Message.builder()
                                .id(prefix + i)
                                .body(new byte[bodyBytes])
                                .build(),
                        A,
                        i))
                .toList();
    }

    private static List<String> ids(List<Entry> entries) {
        return entries.stream().map(e -> e.message().id()).toList();
    }

    @Test
    void aRangeGetsTheRunOfKeptMessagesFromItsStart() {
        LocalMessages local = new LocalMessages();
        local.wrote(A, 10, encoded("x", 3, 0)); // 10, 11, 12
        local.wrote(A, 14, encoded("y", 1, 0)); // 13 is not kept (another JVM's, or a hole)
        local.wrote(B, 10, encoded("z", 1, 0));

        assertThat(ids(local.prefix(A, 10, 13))).containsExactly("x0", "x1", "x2");
        assertThat(local.prefix(A, 11, 16)).extracting(Entry::offset).containsExactly(11L, 12L);
        assertThat(local.prefix(A, 13, 16)).isEmpty();
        assertThat(local.prefix(A, 9, 12)).isEmpty();
        assertThat(ids(local.prefix(A, 14, 15))).containsExactly("y0");
        assertThat(ids(local.prefix(B, 10, 11))).containsExactly("z0");

        local.forget(A);
        assertThat(local.prefix(A, 10, 13)).isEmpty();
        assertThat(local.prefix(B, 10, 11)).hasSize(1);
    }

    @Test
    void theOldestGoFirstPastTheCountOrTheBytesAndLargeOnesAreNotKept() {
        LocalMessages local = new LocalMessages();
        int n = LocalMessages.MAX_ENTRIES + 10;
        List<byte[]> many = new ArrayList<>(encoded("m", n, 0));
        local.wrote(A, 0, many);
        assertThat(local.prefix(A, 0, 10)).isEmpty();
        assertThat(local.prefix(A, 10, n)).hasSize(LocalMessages.MAX_ENTRIES);

        LocalMessages bytes = new LocalMessages();
        int each = 200 * 1024; // base64 in JSON: about 267 KiB encoded, just over the inline limit
        bytes.wrote(A, 0, encoded("big", 1, each));
        assertThat(bytes.prefix(A, 0, 1))
                .as("kept in a document of its own, not here")
                .isEmpty();

        int body = 100 * 1024;
        int fit = (int) (LocalMessages.MAX_BYTES / encoded("s", 1, body).get(0).length);
        bytes.wrote(A, 0, encoded("s", fit + 5, body));
        assertThat(bytes.prefix(A, 0, 5)).isEmpty();
        assertThat(bytes.prefix(A, 5, fit + 5)).hasSize(fit);
    }
}
