package io.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A message is immutable even though it takes its builder's maps instead of copying them. */
@Timeout(10)
class MessageTest {
    @Test
    void aBuilderChangedAfterBuildLeavesTheMessageAsItWas() {
        Message.Builder b = Message.builder().header("h", "1").property("p", 1);
        Message first = b.build();

        b.header("h", "2").header("other", "x").property("p", 2).property("q", "y");
        Message second = b.build();
        b.headers(Map.of()).properties(Map.of());
        Message third = b.build();

        assertThat(first.headers()).containsExactlyEntriesOf(Map.of("h", "1"));
        assertThat(first.properties()).containsExactlyEntriesOf(Map.of("p", 1));
        assertThat(second.headers())
                .containsEntry("h", "2")
                .containsEntry("other", "x")
                .hasSize(2);
        assertThat(second.properties())
                .containsEntry("p", 2)
                .containsEntry("q", "y")
                .hasSize(2);
        assertThat(third.headers()).isEmpty();
        assertThat(third.properties()).isEmpty();
    }

    @Test
    void aMessagesMapsCannotBeChanged() {
        Message m = Message.builder().header("h", "1").property("p", 1).build();
        assertThatThrownBy(() -> m.headers().put("h", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.properties().clear()).isInstanceOf(UnsupportedOperationException.class);
        Message empty = Message.builder().build();
        assertThatThrownBy(() -> empty.headers().put("h", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(empty.headers().get(null)).isNull();
    }

    @Test
    void headerOrderIsKept() {
        Message m = Message.builder()
                .header("b", "1")
                .header("a", "2")
                .header("c", "3")
                .build();
        assertThat(m.headers().keySet()).containsExactly("b", "a", "c");
        assertThat(m.toBuilder().header("d", "4").build().headers().keySet()).containsExactly("b", "a", "c", "d");
    }
}
