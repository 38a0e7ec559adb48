package io.pub.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Message;
import io.pub.TopicShard;
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
        recent.remember(SHARD, 7, value, m);
        assertThat(recent.decode(SHARD, 7, value.clone())).isSameAs(m);
    }

    @Test
    void otherBytesAtTheSameOffsetAreDecoded() {
        RecentMessages recent = new RecentMessages();
        Message old = message("old");
        recent.remember(SHARD, 7, Records.message(old), old);
        Message now = message("new");
        assertThat(recent.decode(SHARD, 7, Records.message(now))).isEqualTo(now);
        assertThat(recent.decode(new TopicShard("t", 1), 7, Records.message(old)))
                .isEqualTo(old);
    }

    @Test
    void staysBoundedAndCorrectPastItsLimit() {
        RecentMessages recent = new RecentMessages();
        byte[] body = new byte[60 * 1024];
        for (int i = 0; i < 400; i++) { // about 24 MiB through an 8 MiB memory
            Message m = Message.builder().id("m" + i).body(body).build();
            recent.remember(SHARD, i, Records.message(m), m);
        }
        Message first = Message.builder().id("m0").body(body).build();
        assertThat(recent.decode(SHARD, 0, Records.message(first))).isEqualTo(first);
    }
}
