package io.pub.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RecentMessagesTest {
    private static final TopicShard SHARD = new TopicShard("t", 0);

    private static Message message(String id) {
        return Message.builder()
                .id(id)
                .publishTime(1)
                .body(new byte[] {1, 2, 3})
                .build();
    }

    @Test
    void aRememberedMessageIsReturnedWhileItsBytesAreTheSame() {
        RecentMessages recent = new RecentMessages();
        Message m = message("a");
        byte[] value = Records.message(m);
        recent.remember(SHARD, 7, value, m, recent.changes());
        assertThat(recent.decode(SHARD, 7, value.clone(), recent.changes())).isSameAs(m);
    }

    @Test
    void otherBytesAtTheSameOffsetAreDecoded() {
        RecentMessages recent = new RecentMessages();
        Message old = message("old");
        recent.remember(SHARD, 7, Records.message(old), old, 0);
        Message now = message("new");
        assertThat(recent.decode(SHARD, 7, Records.message(now), 0)).isEqualTo(now);
        assertThat(recent.decode(new TopicShard("t", 1), 7, Records.message(old), 0))
                .isEqualTo(old);
    }

    @Test
    void keepsTheNewestWithinItsBoundAndForgetsTheOldest() {
        RecentMessages recent = new RecentMessages();
        byte[] body = new byte[60 * 1024];
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 400; i++) { // about 48 MiB kept alive through a 4 MiB memory
            Message m = Message.builder().id("m" + i).body(body).build();
            messages.add(m);
            recent.remember(SHARD, i, Records.message(m), m, 0);
        }
        long each = RecentMessages.retained(Records.message(messages.get(399)), messages.get(399));
        assertThat(recent.size() * each).isLessThanOrEqualTo(RecentMessages.MAX_BYTES + each);
        // the newest are still there, whenever the last generation was started
        int kept = (int) (RecentMessages.MAX_BYTES / 2 / each) - 1;
        assertThat(recent.written(SHARD, 400 - kept, 400))
                .extracting(Entry::message)
                .containsExactlyElementsOf(messages.subList(400 - kept, 400));
        // the oldest is read from its bytes again, and comes back equal
        Message first = messages.get(0);
        assertThat(recent.decode(SHARD, 0, Records.message(first), 0))
                .isEqualTo(first)
                .isNotSameAs(first);
    }

    @Test
    void aRangeIsReadFromMemoryOnlyIfEveryOffsetHoldsAWrittenMessage() {
        RecentMessages recent = new RecentMessages();
        Message a = message("a");
        Message b = message("b");
        recent.remember(SHARD, 1, Records.message(a), a, recent.changes()); // read from the database
        AtomicBoolean written = new AtomicBoolean();
        recent.remember(SHARD, 2, Records.message(b), b, written::get); // being written

        assertThat(recent.written(SHARD, 1, 2)).extracting(Entry::message).containsExactly(a);
        // queued, not yet in the database: a scan would not find it
        assertThat(recent.written(SHARD, 1, 3)).isNull();
        written.set(true);
        assertThat(recent.written(SHARD, 1, 3)).extracting(Entry::offset).containsExactly(1L, 2L);
        // an offset never remembered may be a hole or a tombstone: only the database knows
        assertThat(recent.written(SHARD, 1, 4)).isNull();
        assertThat(recent.written(new TopicShard("t", 1), 1, 2)).isNull();
    }

    @Test
    void aChangeSendsEveryReadToTheDatabaseIncludingOneThatScannedBeforeIt() {
        RecentMessages recent = new RecentMessages();
        Message a = message("a");
        byte[] value = Records.message(a);
        recent.remember(SHARD, 1, value, a, () -> true);
        long before = recent.changes(); // a read takes the count, then scans
        recent.changed(); // a tombstone replaces offset 1 meanwhile

        assertThat(recent.written(SHARD, 1, 2)).isNull();
        // what the scan found before the tombstone was written is remembered under the old count
        assertThat(recent.decode(SHARD, 1, value, before)).isSameAs(a);
        assertThat(recent.written(SHARD, 1, 2)).isNull();
        // a read that began after the change remembers it under the new count
        assertThat(recent.decode(SHARD, 1, value, recent.changes())).isSameAs(a);
        assertThat(recent.written(SHARD, 1, 2)).extracting(Entry::message).containsExactly(a);
    }
}
