package io.pub.chaos;

import io.pub.Message;
import io.pub.TopicShard;
import io.pub.spi.Lease;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Journals STORED (where each message went), MARKING (offsets about to be marked done, by whom) and
 * LAPSED (a lease a renewal found run out or taken).
 */
record JournalRecorder(Journal journal) implements ChaosController.Recorder {
    @Override
    public void stored(TopicShard shard, long firstOffset, List<Message> messages) {
        StringBuilder cids = new StringBuilder();
        for (Message m : messages) {
            Object cid = m.properties().get("cid");
            cids.append(cids.length() == 0 ? "" : ",").append(cid == null ? "-" : cid);
        }
        journal.log("STORED", shard.topic(), shard.shard(), firstOffset, cids);
    }

    @Override
    public void renewed(Collection<Lease> asked, List<Lease> renewed, long at) {
        Set<String> kept = new HashSet<>();
        for (Lease l : renewed) {
            kept.add(l.shard() + " " + l.offset());
        }
        for (Lease l : asked) {
            boolean late = l.expiresAt() <= at;
            if (late || !kept.contains(l.shard() + " " + l.offset())) {
                journal.log(
                        "LAPSED",
                        l.subscription(),
                        l.shard().topic(),
                        l.shard().shard(),
                        l.offset(),
                        late ? "late" : "lost");
            }
        }
    }

    @Override
    public void marking(String subscription, TopicShard shard, Collection<Long> offsets) {
        StringBuilder list = new StringBuilder();
        for (long o : offsets) {
            list.append(list.length() == 0 ? "" : ",").append(o);
        }
        journal.log(
                "MARKING",
                subscription,
                shard.topic(),
                shard.shard(),
                Thread.currentThread().getName().replace(' ', '_'),
                list);
    }
}
