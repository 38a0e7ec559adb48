package io.pub.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.TopicShard;
import io.pub.spi.Lease;
import org.junit.jupiter.api.Test;

class RecordsTest {
    @Test
    void aStreamedLeaseIsTheDocumentDatabindWritesAndReadsBackWhole() {
        for (Lease l : new Lease[] {
            new Lease(
                    "orders-sub",
                    new TopicShard("orders", 3),
                    123_456_789_012L,
                    "jvm-1/c7",
                    1_700_000_000_123L,
                    2,
                    99L),
            new Lease("s", new TopicShard("t", 0), 0, "", Lease.HELD_BY_TRANSACTION, 0, Long.MIN_VALUE),
            new Lease(
                    "sübscription \u2603",
                    new TopicShard("orders.eu-1", 7),
                    Long.MAX_VALUE,
                    "ówner",
                    -1,
                    Integer.MAX_VALUE,
                    0)
        }) {
            byte[] streamed = Records.lease(l);
            // same bytes: a store written by either reads under the other, and by tools that use databind
            assertThat(streamed).isEqualTo(Records.encode(l));
            assertThat(Records.decode(streamed, Lease.class)).isEqualTo(l);
        }
    }
}
