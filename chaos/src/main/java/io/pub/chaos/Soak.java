package io.pub.chaos;

import io.pub.Settings;
import io.pub.jms.PubConnectionFactory;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Soak mode: this JVM runs steady traffic on an embedded store for the given time (sync, async and
 * transacted sends of 1 KiB to a queue and a topic; AUTO, CLIENT_ACKNOWLEDGE and transacted consumers,
 * a shared durable subscription; and churn: a connection with a non-durable topic consumer opened and
 * closed every second) and reports, every period, heap after a full GC, live threads, open file
 * descriptors, the store directory's size and throughput. It fails if any of them grows beyond its
 * bound, comparing the largest value of the last third of the samples with the largest of the first
 * third (the first sample, taken before warm-up, is left out):
 *
 * <ul>
 *   <li>heap after GC: at most 20% + 16 MiB more;
 *   <li>threads: at most 4 more;
 *   <li>file descriptors: at most 16 more;
 *   <li>disk: at most 50% + 64 MiB more (retention must free what every subscription consumed);
 * </ul>
 *
 * and if any acknowledged send was not received by the end.
 */
final class Soak {
    static final double HEAP_GROWTH = 0.20;
    static final long HEAP_SLACK = 16L << 20;
    static final int THREAD_SLACK = 4;
    static final int FD_SLACK = 16;
    static final double DISK_GROWTH = 0.50;
    static final long DISK_SLACK = 64L << 20;

    record Config(Duration duration, Duration reportEvery, double rate, Path dir) {}

    /** One report: when (s since start), heap after GC, threads, fds, disk, messages/s sent and received. */
    record Sample(long second, long heap, int threads, long fds, long disk, double sentPerS, double receivedPerS) {}

    record Result(List<Sample> samples, List<String> failures, long sent, long received) {
        boolean passed() {
            return failures.isEmpty();
        }
    }

    private final Config config;
    private final PrintStream out;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong queueReceived = new AtomicLong();
    private final AtomicLong topicReceived = new AtomicLong();
    private final AtomicLong queueSent = new AtomicLong();
    private final AtomicLong topicSent = new AtomicLong();
    private final List<String> errors = new ArrayList<>();
    private volatile boolean producing = true;
    private volatile boolean stop;

    Soak(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    Result run() throws Exception {
        Files.createDirectories(config.dir());
        Path store = config.dir().resolve("store"); // created by the store, owner-only
        PubConnectionFactory factory = new PubConnectionFactory(
                "embedded:" + store.toAbsolutePath(),
                Settings.of(Map.of("PUB_HOUSEKEEPING_INTERVAL", "5s")),
                Clock.systemUTC());
        say("embedded store in " + store + ", " + config.rate() + " msg/s, report every "
                + config.reportEvery().toSeconds() + " s, for "
                + config.duration().toSeconds() + " s");
        say("bounds (max of the last third vs max of the first third): heap after GC +" + (int) (HEAP_GROWTH * 100)
                + "% +16 MiB, threads +" + THREAD_SLACK + ", fds +" + FD_SLACK + ", disk +" + (int) (DISK_GROWTH * 100)
                + "% +64 MiB");
        List<Thread> threads = new ArrayList<>();
        Thread producer = thread("soak-producer", () -> produce(factory));
        threads.add(producer);
        threads.add(thread("soak-queue-auto", () -> consume(factory, Session.AUTO_ACKNOWLEDGE, false)));
        threads.add(thread("soak-queue-client", () -> consume(factory, Session.CLIENT_ACKNOWLEDGE, false)));
        threads.add(thread("soak-topic-tx", () -> consume(factory, Session.SESSION_TRANSACTED, true)));
        threads.add(thread("soak-churn", () -> churn(factory)));
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + config.duration().toNanos();
        long lastSent = 0;
        long lastReceived = 0;
        long lastAt = start;
        samples.add(sample(0, 0, 0, store));
        while (System.nanoTime() < end) {
            Worker.sleep(Math.min(
                    config.reportEvery().toMillis(), TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()) + 1));
            long now = System.nanoTime();
            long s = sent.get();
            long r = queueReceived.get() + topicReceived.get();
            double secs = (now - lastAt) / 1e9;
            samples.add(sample(
                    TimeUnit.NANOSECONDS.toSeconds(now - start),
                    (s - lastSent) / secs,
                    (r - lastReceived) / secs,
                    store));
            lastSent = s;
            lastReceived = r;
            lastAt = now;
        }
        producing = false;
        // the producer's last send (and its async completions) may still be under way: its count goes
        // up only when it returns, so a drain judged before that could stop the consumers one short
        producer.join(60_000);
        // the consumers finish what was sent
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while ((queueReceived.get() < queueSent.get() || topicReceived.get() < topicSent.get())
                && System.nanoTime() < drainDeadline) {
            Worker.sleep(200);
        }
        stop = true;
        for (Thread t : threads) {
            t.join(60_000);
        }
        List<String> failures = judge(samples);
        if (queueReceived.get() < queueSent.get() || topicReceived.get() < topicSent.get()) {
            failures.add("not everything sent was received: queue " + queueReceived.get() + " of " + queueSent.get()
                    + ", topic " + topicReceived.get() + " of " + topicSent.get());
        }
        synchronized (errors) {
            errors.stream().limit(10).forEach(e -> failures.add("error: " + e));
        }
        say("sent " + sent.get() + " (queue " + queueSent.get() + ", topic " + topicSent.get() + "), received queue "
                + queueReceived.get() + ", topic " + topicReceived.get());
        say(failures.isEmpty() ? "passed" : "FAILED: " + failures);
        return new Result(samples, failures, sent.get(), queueReceived.get() + topicReceived.get());
    }

    private void say(String s) {
        out.println("[soak] " + s);
        out.flush();
    }

    private Sample sample(long second, double sentPerS, double receivedPerS, Path store) {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        Sample s = new Sample(second, heap, threads, openFds(), size(store), sentPerS, receivedPerS);
        say(String.format(
                "t=%4ds heap-after-gc=%6.1f MiB threads=%3d fds=%4d disk=%7.1f MiB sent=%7.1f/s received=%7.1f/s",
                s.second, s.heap / 1048576.0, s.threads, s.fds, s.disk / 1048576.0, s.sentPerS, s.receivedPerS));
        return s;
    }

    /** The bounds, applied to the samples after the first. */
    static List<String> judge(List<Sample> all) {
        List<String> failures = new ArrayList<>();
        List<Sample> samples = all.subList(Math.min(1, all.size()), all.size());
        int third = samples.size() / 3;
        if (third < 1) {
            failures.add("too few samples to judge growth (" + samples.size() + "): run longer or report more often");
            return failures;
        }
        List<Sample> first = samples.subList(0, third);
        List<Sample> last = samples.subList(samples.size() - third, samples.size());
        long heap0 = first.stream().mapToLong(Sample::heap).max().orElseThrow();
        long heap1 = last.stream().mapToLong(Sample::heap).max().orElseThrow();
        if (heap1 > heap0 * (1 + HEAP_GROWTH) + HEAP_SLACK) {
            failures.add(
                    String.format("heap after GC grew from %.1f to %.1f MiB", heap0 / 1048576.0, heap1 / 1048576.0));
        }
        int threads0 = first.stream().mapToInt(Sample::threads).max().orElseThrow();
        int threads1 = last.stream().mapToInt(Sample::threads).max().orElseThrow();
        if (threads1 > threads0 + THREAD_SLACK) {
            failures.add("threads grew from " + threads0 + " to " + threads1);
        }
        long fds0 = first.stream().mapToLong(Sample::fds).max().orElseThrow();
        long fds1 = last.stream().mapToLong(Sample::fds).max().orElseThrow();
        if (fds1 > fds0 + FD_SLACK) {
            failures.add("open file descriptors grew from " + fds0 + " to " + fds1);
        }
        long disk0 = first.stream().mapToLong(Sample::disk).max().orElseThrow();
        long disk1 = last.stream().mapToLong(Sample::disk).max().orElseThrow();
        if (disk1 > disk0 * (1 + DISK_GROWTH) + DISK_SLACK) {
            failures.add(
                    String.format("store directory grew from %.1f to %.1f MiB", disk0 / 1048576.0, disk1 / 1048576.0));
        }
        return failures;
    }

    static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1; // not Linux
        }
    }

    static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0; // deleted meanwhile (compaction)
                        }
                    })
                    .sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    private Thread thread(String name, Runnable body) {
        Thread t = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (RuntimeException e) {
                        error(name + ": " + e);
                    }
                },
                name);
        t.start();
        return t;
    }

    private void error(String e) {
        synchronized (errors) {
            errors.add(e);
        }
        say("error: " + e);
    }

    private interface JmsBody {
        void run(Connection c) throws JMSException;
    }

    private void withConnection(PubConnectionFactory factory, JmsBody body) {
        try (Connection c = factory.createConnection()) {
            c.start();
            body.run(c);
        } catch (JMSException e) {
            error(Thread.currentThread().getName() + ": " + e);
        }
    }

    private void produce(PubConnectionFactory factory) {
        withConnection(factory, c -> {
            Session sync = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session async = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            Destination queue = sync.createQueue("soak-q");
            Destination topic = sync.createTopic("soak-t");
            // the topic's subscription exists before the first send, so it gets every message
            try (Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
                s.createSharedDurableConsumer((Topic) topic, "soak").close();
            }
            MessageProducer ps = sync.createProducer(null);
            MessageProducer pa = async.createProducer(null);
            MessageProducer pt = tx.createProducer(null);
            String body = "x".repeat(1024);
            Semaphore window = new Semaphore(64);
            CompletionListener done = new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    window.release();
                }

                @Override
                public void onException(Message message, Exception e) {
                    window.release();
                    error("async send failed: " + e);
                }
            };
            long interval = (long) (1e9 / config.rate());
            long next = System.nanoTime();
            long n = 0;
            while (producing) {
                boolean toQueue = (n & 1) == 0;
                Destination d = toQueue ? queue : topic;
                switch ((int) (n % 3)) {
                    case 0 -> ps.send(d, sync.createTextMessage(body));
                    case 1 -> {
                        window.acquireUninterruptibly();
                        pa.send(d, async.createTextMessage(body), done);
                    }
                    default -> {
                        pt.send(d, tx.createTextMessage(body));
                        tx.commit();
                    }
                }
                (toQueue ? queueSent : topicSent).incrementAndGet();
                sent.incrementAndGet();
                n++;
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Worker.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
                }
            }
            window.acquireUninterruptibly(64); // every async send completed
        });
    }

    private void consume(PubConnectionFactory factory, int mode, boolean topic) {
        withConnection(factory, c -> {
            Session s = c.createSession(mode == Session.SESSION_TRANSACTED, mode);
            MessageConsumer consumer = topic
                    ? s.createSharedDurableConsumer(s.createTopic("soak-t"), "soak")
                    : s.createConsumer(s.createQueue("soak-q"));
            AtomicLong counter = topic ? topicReceived : queueReceived;
            while (!stop) {
                Message m = consumer.receive(100);
                if (m == null) {
                    continue;
                }
                counter.incrementAndGet();
                if (mode == Session.CLIENT_ACKNOWLEDGE) {
                    m.acknowledge();
                } else if (mode == Session.SESSION_TRANSACTED) {
                    s.commit();
                }
            }
        });
    }

    /** A connection with a non-durable topic consumer, opened and closed every second. */
    private void churn(PubConnectionFactory factory) {
        while (!stop) {
            withConnection(factory, c -> {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = s.createConsumer(s.createTopic("soak-t"));
                consumer.receive(50);
            });
            Worker.sleep(1000);
        }
    }
}
