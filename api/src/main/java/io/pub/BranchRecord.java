package io.pub;

import io.pub.internal.MessageCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a prepared-transaction record (see {@link PreparedBranches}): the branch's sends, each
 * with its shard and, once a commit reserved it, its offset; whether the commit wrote them all; and
 * the deliveries the branch acknowledges, with the owner of their leases. A versioned binary form
 * (messages in the shared Smile message codec) that every store keeps as opaque bytes.
 */
record BranchRecord(long preparedAt, boolean sendsWritten, List<Send> sends, List<Ack> acks) {
    private static final int FORMAT = 1;

    /** A send of the branch; {@code offset} is -1 until a commit reserved one for it. */
    record Send(TopicShard shard, long offset, Message message) {
        Send withOffset(long o) {
            return new Send(shard, o, message);
        }
    }

    /** A delivery the branch acknowledges: done at commit, released at rollback. */
    record Ack(String subscription, TopicShard shard, long offset, String owner) {}

    BranchRecord {
        sends = List.copyOf(sends);
        acks = List.copyOf(acks);
    }

    BranchRecord withSends(List<Send> next) {
        return new BranchRecord(preparedAt, false, next, acks);
    }

    BranchRecord written() {
        return new BranchRecord(preparedAt, true, sends, acks);
    }

    byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(FORMAT);
            out.writeLong(preparedAt);
            out.writeBoolean(sendsWritten);
            out.writeInt(sends.size());
            for (Send s : sends) {
                shard(out, s.shard);
                out.writeLong(s.offset);
                byte[] m = MessageCodec.smile().encode(s.message);
                out.writeInt(m.length);
                out.write(m);
            }
            out.writeInt(acks.size());
            for (Ack a : acks) {
                out.writeUTF(a.subscription);
                shard(out, a.shard);
                out.writeLong(a.offset);
                out.writeUTF(a.owner);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BranchRecord decode(byte[] body) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IllegalStateException("prepared-transaction record of format " + format
                        + " is not readable by this version of Pub (it reads format " + FORMAT + ")");
            }
            long preparedAt = in.readLong();
            boolean written = in.readBoolean();
            int n = in.readInt();
            List<Send> sends = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                TopicShard shard = shard(in);
                long offset = in.readLong();
                byte[] m = new byte[in.readInt()];
                in.readFully(m);
                sends.add(new Send(shard, offset, MessageCodec.smile().decode(m)));
            }
            int k = in.readInt();
            List<Ack> acks = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                acks.add(new Ack(in.readUTF(), shard(in), in.readLong(), in.readUTF()));
            }
            return new BranchRecord(preparedAt, written, sends, acks);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt prepared-transaction record", e);
        }
    }

    private static void shard(DataOutputStream out, TopicShard s) throws IOException {
        out.writeUTF(s.topic());
        out.writeInt(s.shard());
    }

    private static TopicShard shard(DataInputStream in) throws IOException {
        return new TopicShard(in.readUTF(), in.readInt());
    }
}
