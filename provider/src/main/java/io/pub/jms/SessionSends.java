package io.pub.jms;

import io.pub.Producer;
import jakarta.jms.CompletionListener;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TransactionRolledBackException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of a session: one engine producer for the whole session (JMS orders messages per
 * session and destination, and an engine producer keeps its unkeyed messages in one shard, so every
 * producer of the session, and JMSContext users create one per send, writes to the same shard), the
 * order headers, the sends a transaction holds until commit, and async sends written in order by one
 * sender thread with their CompletionListeners called on the session's delivery thread. The sender
 * thread writes every async send that queued while its previous write was being fsynced in one append
 * per destination shard, so a window of async sends costs a few group-committed writes, not one fsync
 * each; a sync send made while async ones are queued goes through the sender too, so it stays behind
 * them.
 *
 * <p>Flow control: async sends whose CompletionListener has not returned yet are bounded by the
 * window ({@link SendWindow}, options asyncSendWindow and asyncSendWindowBytes); a send that would
 * overfill it blocks the sending thread until earlier ones complete, as a broker's producer window
 * does. Every async send is answered exactly once: if the sender thread itself fails (an
 * OutOfMemoryError, say), every send it had not answered gets onException, and the thread is ready
 * for the next send; so close, which waits for the answers, always returns. A CompletionListener
 * that throws is logged with the message id and destination, and the next ones are still called.
 */
final class SessionSends {
    /** Orders the messages of all sessions of this JVM: the tie-break of equal publish times. */
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** At most this many sends per round of the sender thread (about 1 MiB of 1 KiB messages). */
    private static final int MAX_PIPELINED_BATCH = 1000;
    /** Rounds being stored at once: the next round is written while the previous one is fsynced. */
    private static final int MAX_ROUNDS_IN_FLIGHT = 2;

    private static final Logger LOG = LoggerFactory.getLogger(SessionSends.class);
    /** Error code of the onException of sends that the failed sender thread could not write. */
    static final String SENDER_FAILED = "PUB-SENDER-FAILED";

    private final PubSession session;
    private final Producer producer;
    private final SendWindow window;
    private final Object lock = new Object();
    /** The shard each destination last got from this session. */
    private final Map<String, Integer> lastShard = new HashMap<>();

    private final List<Held> held = new ArrayList<>();
    /** Sends waiting for the sender thread: async ones, and sync ones queued behind them. */
    private final Deque<Pipelined> pipeline = new ArrayDeque<>();

    private ExecutorService sender;
    private boolean draining;
    private boolean closed;
    /** Sends queued or being written by the sender thread. */
    private int unpublished;

    private int roundsInFlight;
    /** Completes when the last round started has finished; sender thread only. */
    private CompletableFuture<Void> lastRound = CompletableFuture.completedFuture(null);
    /** Async sends whose CompletionListener has not returned yet, and their size in bytes. */
    private int asyncOutstanding;

    private long asyncBytes;
    /** Bytes of the sends counted in {@link #unpublished}. */
    private long unpublishedBytes;
    /** True on the delivery thread while a CompletionListener runs. */
    private volatile boolean inCompletionListener;

    private record Held(String topic, io.pub.Message stored, Message message, CompletionListener listener) {}

    /** A send for the sender thread; a sync one (no listener) waits on {@code published}. */
    private static final class Pipelined {
        final String topic;
        final io.pub.Message stored;
        final Message message;
        final CompletionListener listener;
        final long bytes;
        final CompletableFuture<JMSException> published = new CompletableFuture<>();
        /** Set once the send is answered (published completed, or its completion handed on). */
        final AtomicBoolean answered = new AtomicBoolean();
        /** Written by the sender thread before the completion is handed on. */
        volatile JMSException failure;

        Pipelined(String topic, io.pub.Message stored, Message message, CompletionListener listener) {
            this.topic = topic;
            this.stored = stored;
            this.message = message;
            this.listener = listener;
            this.bytes = SendWindow.sizeOf(stored);
        }

        void awaitPublished() throws JMSException {
            JMSException f;
            boolean interrupted = false;
            while (true) {
                try {
                    f = published.get();
                    break;
                } catch (InterruptedException e) {
                    // the send is already queued: it goes out whatever happens, so wait for its outcome
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (f != null) {
                throw f;
            }
        }
    }

    SessionSends(PubSession session, Producer producer, SendWindow window) {
        this.session = session;
        this.producer = producer;
        this.window = window;
    }

    /**
     * Stamps the order headers: a sequence number, and the shard of the session's previous message to
     * this destination when this one goes to another shard (a JMSXGroupID moved it), so a consumer
     * can fetch that predecessor first ({@link OrderHeaders}).
     */
    private io.pub.Message stamp(String topic, io.pub.Message stored) throws JMSException {
        int shard;
        try {
            shard = producer.shardFor(topic, stored.key());
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e, JmsExceptions.Context.DESTINATION);
        }
        Integer previous;
        synchronized (lock) {
            previous = lastShard.put(topic, shard);
        }
        io.pub.Message.Builder b =
                stored.toBuilder().header(OrderHeaders.SEQUENCE, Long.toString(SEQUENCE.incrementAndGet()));
        if (previous != null && previous != shard) {
            b.header(OrderHeaders.PREVIOUS_SHARD, Integer.toString(previous));
        }
        return b.build();
    }

    /** Sends now, holds for commit ({@code transacted}), or sends asynchronously when given a listener. */
    void send(String topic, io.pub.Message unstamped, Message message, CompletionListener listener, boolean transacted)
            throws JMSException {
        if (transacted) {
            synchronized (lock) {
                session.checkOpen();
                held.add(new Held(topic, stamp(topic, unstamped), message, listener));
            }
            if (listener != null) {
                // Accepted into the transaction: complete as far as the application can tell; whether
                // it is stored is decided by commit (a rollback calls onException).
                session.onDeliveryThread(() -> callListener(topic, message, () -> listener.onCompletion(message)));
            }
            return;
        }
        io.pub.Message stored = stamp(topic, unstamped);
        if (listener == null) {
            Pipelined sync = null;
            synchronized (lock) {
                if (unpublished > 0) {
                    // async sends of this session are still on their way: go behind them, in order
                    sync = new Pipelined(topic, stored, message, null);
                    enqueue(sync);
                }
            }
            if (sync == null) {
                publish(topic, List.of(stored));
            } else {
                sync.awaitPublished();
            }
            return;
        }
        Pipelined async = new Pipelined(topic, stored, message, listener);
        synchronized (lock) {
            awaitWindow(async.bytes);
            enqueue(async);
            asyncOutstanding++;
            asyncBytes += async.bytes;
        }
    }

    /**
     * Under lock: waits until an async send of {@code bytes} fits the window. The sends counted are
     * those whose CompletionListener has not returned, except on the session's delivery thread (a
     * listener sending): the completions that free the window run on that very thread, after the
     * listener returns, so there only the sends not yet stored are counted. A send never waits when
     * nothing is counted, so one larger than the window still goes.
     */
    private void awaitWindow(long bytes) throws JMSException {
        boolean listenerThread = session.isDeliveryThread();
        while (true) {
            if (closed) {
                // closed while this send waited for room: it never went out
                throw new jakarta.jms.IllegalStateException("the session is closed");
            }
            int count = listenerThread ? unpublished : asyncOutstanding;
            long held = listenerThread ? unpublishedBytes : asyncBytes;
            if (count == 0 || window.fits(count, held, bytes)) {
                return;
            }
            try {
                lock.wait();
            } catch (InterruptedException e) {
                throw JmsExceptions.toJms(e); // nothing was queued: the send did not happen
            }
        }
    }

    /** Under lock: queues a send for the sender thread, starting its drain if it is not running. */
    private void enqueue(Pipelined p) {
        pipeline.add(p);
        unpublished++;
        unpublishedBytes += p.bytes;
        if (!draining) {
            draining = true;
            if (sender == null) {
                sender = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "pub-sender");
                    t.setDaemon(true);
                    return t;
                });
            }
            sender.execute(this::drain);
        }
    }

    /**
     * Sender thread: writes whatever sends queued up since its previous round, one append per
     * destination shard (group-committed by the store), with up to {@link #MAX_ROUNDS_IN_FLIGHT}
     * rounds being stored at once. Each round, once stored and after the rounds before it, hands its
     * completions to the session's delivery thread in send order, in one task.
     */
    private void drain() {
        List<Pipelined> round = List.of();
        boolean counted = false;
        try {
            while (true) {
                round = new ArrayList<>();
                counted = false;
                synchronized (lock) {
                    // waiting for a slot lets the round gather the sends made meanwhile
                    while (roundsInFlight >= MAX_ROUNDS_IN_FLIGHT) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            // only close() ends the sender, after every send has completed
                        }
                    }
                    while (!pipeline.isEmpty() && round.size() < MAX_PIPELINED_BATCH) {
                        round.add(pipeline.poll());
                    }
                    if (round.isEmpty()) {
                        draining = false;
                        return;
                    }
                    roundsInFlight++;
                    counted = true;
                }
                List<Pipelined> started = round;
                CompletableFuture<Void> stored = startRound(started);
                round = List.of(); // from here on the round's future answers it
                counted = false;
                // a round finishes after the one before it, so completions keep the send order; neither
                // future fails (failures are noted in the sends), so one round never fails the next
                lastRound = lastRound.thenCombine(stored, (a, b) -> null).handle((v, e) -> {
                    finishRound(started, e);
                    return null;
                });
            }
        } catch (Throwable t) {
            senderFailed(t, round, counted);
        }
    }

    /**
     * The sender thread failed (an Error: what the store throws is noted in the sends): every send it
     * had taken or that waits for it gets onException (a sync one its exception), and the next send
     * starts the thread's work afresh. Rounds already being stored are answered by their futures.
     */
    private void senderFailed(Throwable t, List<Pipelined> round, boolean counted) {
        List<Pipelined> failed = new ArrayList<>(round);
        try {
            LOG.error("the sender thread of {} failed; its unsent messages get onException", session, t);
        } finally {
            synchronized (lock) {
                failed.addAll(pipeline);
                pipeline.clear();
                forget(failed);
                if (counted) {
                    roundsInFlight--;
                }
                draining = false;
                lock.notifyAll();
            }
            JMSException f = JmsExceptions.withCause(
                    new JMSException(
                            "the session's sender thread failed while sending the message (it may or may"
                                    + " not have been stored): " + t,
                            SENDER_FAILED),
                    t);
            answer(failed, f);
        }
    }

    /** Under lock: the sends leave {@link #unpublished}. */
    private void forget(List<Pipelined> sends) {
        unpublished -= sends.size();
        for (Pipelined p : sends) {
            unpublishedBytes -= p.bytes;
        }
    }

    /**
     * Starts the writes of a round, per destination and shard, keeping each shard's messages in send
     * order; the future completes when all of them were answered (failures are noted in the sends).
     */
    private CompletableFuture<Void> startRound(List<Pipelined> round) {
        Map<String, Map<Integer, List<Pipelined>>> groups = new LinkedHashMap<>();
        for (Pipelined p : round) {
            try {
                int shard = producer.shardFor(p.topic, p.stored.key());
                groups.computeIfAbsent(p.topic, t -> new LinkedHashMap<>())
                        .computeIfAbsent(shard, k -> new ArrayList<>())
                        .add(p);
            } catch (RuntimeException e) {
                p.failure = JmsExceptions.toJms(e, JmsExceptions.Context.DESTINATION);
            }
        }
        List<CompletableFuture<?>> writes = new ArrayList<>();
        groups.forEach((topic, shards) -> shards.forEach((shard, sends) -> {
            List<io.pub.Message> batch = new ArrayList<>(sends.size());
            sends.forEach(p -> batch.add(p.stored));
            try {
                writes.add(producer.publishBatchAsync(topic, shard, batch).handle((published, e) -> {
                    if (e != null) {
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        JMSException f = JmsExceptions.toJms(cause, JmsExceptions.Context.DESTINATION);
                        sends.forEach(p -> p.failure = f);
                    }
                    return null;
                }));
            } catch (RuntimeException e) {
                JMSException f = JmsExceptions.toJms(e, JmsExceptions.Context.DESTINATION);
                sends.forEach(p -> p.failure = f);
            }
        }));
        return CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * Store thread, after the round's writes were answered ({@code error} only if answering them
     * failed): releases its sync sends and hands its completions to the delivery thread.
     */
    private void finishRound(List<Pipelined> round, Throwable error) {
        try {
            JMSException f = error == null
                    ? null
                    : JmsExceptions.withCause(
                            new JMSException("the message may not have been stored: " + error, SENDER_FAILED), error);
            answer(round, f);
        } finally {
            synchronized (lock) {
                forget(round);
                roundsInFlight--;
                lock.notifyAll();
            }
        }
    }

    /**
     * Answers each send not answered yet, with {@code failure} if it has none of its own: a sync one
     * through its future, async ones by handing their completions to the delivery thread in order.
     */
    private void answer(List<Pipelined> sends, JMSException failure) {
        List<Pipelined> completions = new ArrayList<>(sends.size());
        for (Pipelined p : sends) {
            if (!p.answered.compareAndSet(false, true)) {
                continue;
            }
            if (failure != null && p.failure == null) {
                p.failure = failure;
            }
            if (p.listener == null) {
                p.published.complete(p.failure);
            } else {
                completions.add(p);
            }
        }
        if (completions.isEmpty()) {
            return;
        }
        try {
            session.onDeliveryThread(() -> complete(completions));
        } catch (Throwable t) {
            // could not even queue them: answer here rather than never
            complete(completions);
        }
    }

    /** Delivery thread: calls the completion listeners of a round in send order. */
    private void complete(List<Pipelined> round) {
        try {
            for (Pipelined p : round) {
                // a throwing listener must not keep the next sends from hearing of theirs
                callListener(p.topic, p.message, () -> {
                    if (p.failure == null) {
                        p.listener.onCompletion(p.message);
                    } else {
                        p.listener.onException(p.message, p.failure);
                    }
                });
            }
        } finally {
            synchronized (lock) {
                asyncOutstanding -= round.size();
                for (Pipelined p : round) {
                    asyncBytes -= p.bytes;
                }
                lock.notifyAll();
            }
        }
    }

    /**
     * Calls a CompletionListener: marked, so that the calls section 7.3.8 forbids are refused, and
     * guarded: what it throws (an Error too) is logged with the message's id and destination, and
     * goes no further, since nobody could act on it.
     */
    private void callListener(String topic, Message message, Runnable call) {
        try {
            completion(call);
        } catch (Throwable t) {
            String id;
            try {
                id = message.getJMSMessageID();
            } catch (JMSException | RuntimeException e) {
                id = null;
            }
            String text = "CompletionListener threw for message {} to {}; ignored: {}";
            if (t instanceof Error) {
                LOG.error(text, id, topic, t.toString(), t);
            } else {
                LOG.warn(text, id, topic, t.toString(), t);
            }
        }
    }

    private void publish(String topic, List<io.pub.Message> batch) throws JMSException {
        try {
            producer.publish(topic, batch);
        } catch (RuntimeException e) {
            throw JmsExceptions.toJms(e, JmsExceptions.Context.DESTINATION);
        }
    }

    /** Runs a CompletionListener call, marking it so that the calls section 7.3.8 forbids are refused. */
    private void completion(Runnable call) {
        inCompletionListener = true;
        try {
            call.run();
        } finally {
            inCompletionListener = false;
        }
    }

    boolean inCompletionListener() {
        return inCompletionListener;
    }

    /** Waits until every async send has completed and its listener was called. */
    void awaitAsync() throws JMSException {
        synchronized (lock) {
            while (asyncOutstanding > 0) {
                try {
                    lock.wait(100);
                } catch (InterruptedException e) {
                    throw JmsExceptions.toJms(e);
                }
            }
        }
    }

    private List<Held> takeHeld() {
        synchronized (lock) {
            List<Held> all = new ArrayList<>(held);
            held.clear();
            return all;
        }
    }

    /**
     * Commit: writes the held sends, consecutive sends to one destination as one batch (one offset
     * reservation and one store write per shard). On a store failure the listeners of the sends not
     * written hear it, and TransactionRolledBackException is thrown; the caller rolls back the receives.
     */
    void publishHeld() throws TransactionRolledBackException {
        List<Held> sends = takeHeld();
        int sent = 0;
        try {
            while (sent < sends.size()) {
                String topic = sends.get(sent).topic;
                int end = sent;
                List<io.pub.Message> batch = new ArrayList<>();
                while (end < sends.size() && sends.get(end).topic.equals(topic)) {
                    batch.add(sends.get(end++).stored);
                }
                publish(topic, batch);
                sent = end;
            }
        } catch (JMSException e) {
            failHeld(sends.subList(sent, sends.size()), e);
            TransactionRolledBackException t = new TransactionRolledBackException("commit failed and was rolled back"
                    + (sent > 0 ? " (" + sent + " of its " + sends.size() + " sends may already be stored)" : "")
                    + ": " + e.getMessage());
            throw JmsExceptions.withCause(t, e);
        }
    }

    /**
     * XA: takes the held sends for a transaction branch, each with the shard this session's producer
     * picked for it. Their CompletionListeners were told at send time, as in a local transaction.
     */
    List<io.pub.PreparedBranches.Send> takeHeldForBranch() {
        List<io.pub.PreparedBranches.Send> out = new ArrayList<>();
        for (Held h : takeHeld()) {
            int shard = producer.shardFor(h.topic, h.stored.key());
            out.add(new io.pub.PreparedBranches.Send(new io.pub.TopicShard(h.topic, shard), h.stored));
        }
        return out;
    }

    /** Rollback: the held sends are dropped and their listeners told. */
    void discardHeld() {
        failHeld(takeHeld(), new TransactionRolledBackException("the transaction was rolled back"));
    }

    private void failHeld(List<Held> sends, JMSException failure) {
        for (Held h : sends) {
            if (h.listener != null) {
                session.onDeliveryThread(
                        () -> callListener(h.topic, h.message, () -> h.listener.onException(h.message, failure)));
            }
        }
    }

    void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
            if (sender != null) {
                sender.shutdown();
            }
        }
    }
}
