package io.pub.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.pub.Message;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.TopicShard;
import io.pub.spi.Controller;
import io.pub.spi.Entry;
import io.pub.spi.TopicInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Real store directories for the data-safety tests, copies of them, and ways to damage a copy. */
final class StoreCopies {
    static final TopicShard SHARD = new TopicShard("orders", 0);
    static final int MESSAGES = 3000;

    private StoreCopies() {}

    static Controller open(String url) {
        return Stores.open(url, Settings.only(Map.of()), Clock.systemUTC());
    }

    static Controller open(Path dir) {
        return open("embedded:" + dir);
    }

    /**
     * Creates a store and publishes {@link #MESSAGES} messages of 1 KiB, one per append, as sends do.
     * Into one log file that grows, as the damage tests expect: without {@link LogPrimer}, which
     * would move the store to a recycled file after its first 1,000 fsyncs.
     */
    static Controller publish(Path dir) {
        Controller store = open("embedded:" + dir + "?primeLog=false");
        store.createTopic(new TopicInfo(SHARD.topic(), 1, false, null));
        byte[] body = new byte[1024];
        for (int i = 0; i < MESSAGES; i++) {
            store.append(SHARD, List.of(Message.builder().id("m" + i).body(body).build()));
        }
        return store;
    }

    /** The ids of the messages a store opened on {@code dir} delivers. */
    static Set<String> delivered(Controller store) {
        return store.read(SHARD, 0, MESSAGES * 2).entries().stream()
                .filter(e -> !e.isTombstone())
                .map(Entry::message)
                .map(Message::id)
                .collect(Collectors.toSet());
    }

    static Set<String> allIds() {
        return Stream.iterate(0, i -> i < MESSAGES, i -> i + 1)
                .map(i -> "m" + i)
                .collect(Collectors.toSet());
    }

    /** Copies a store directory with its mode, as {@code cp -a} does. */
    static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
    }

    /** Every file name with a digest of its bytes: equal before and after means nothing changed. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), sha256(Files.readAllBytes(f)));
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The store's write-ahead log file: the one log with records in it. */
    static Path wal(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> logs = files.filter(f -> f.getFileName().toString().matches("\\d+\\.log"))
                    .filter(f -> f.toFile().length() > 0)
                    .toList();
            assertThat(logs).as("write-ahead logs with records in %s", dir).hasSize(1);
            return logs.get(0);
        }
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    static void garble(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("GARBLED BYTES!".getBytes(StandardCharsets.US_ASCII)), at);
        }
    }

    /** What {@code body} wrote to standard error (where the tests' SLF4J binding logs), and its result. */
    static <T> Logged<T> logged(Supplier<T> body) {
        PrintStream old = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new Tee(old, captured), true, StandardCharsets.UTF_8));
        try {
            T result = body.get();
            return new Logged<>(result, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    record Logged<T>(T result, String log) {}

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }

    /** The store's log files by name, with their sizes (files renamed or deleted meanwhile left out). */
    static Map<String, Long> logs(Path dir) throws Exception {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                try {
                    out.put(log.getFileName().toString(), Files.size(log));
                } catch (java.nio.file.NoSuchFileException e) {
                    // renamed (recycled) or deleted while listed
                }
            }
        }
        return out;
    }

    /** The log file the store writes: the highest-numbered one (recycled files keep their contents). */
    static Path logInUse(Path dir) throws Exception {
        return dir.resolve(((java.util.TreeMap<String, Long>) logs(dir)).lastKey());
    }

    /**
     * Waits, on file-system events rather than sleeps, until {@code file} holds {@code text}; false if
     * it did not within {@code timeout}. For a child JVM's log.
     */
    static boolean awaitText(Path file, String text, java.time.Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (java.nio.file.WatchService watch = file.getFileSystem().newWatchService()) {
            file.getParent().register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY);
            while (!Files.exists(file) || !Files.readString(file).contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.nio.file.WatchKey key = watch.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
            return true;
        }
    }

    /**
     * Opening {@code dir} fails twice, naming the damage in {@code wal} and the recover options that
     * would accept it, and leaves every file as it was.
     */
    static void assertOpenFailsTwiceNamingTheDamage(Path dir, Path wal) throws IOException {
        Map<String, String> before = snapshot(dir);
        for (int attempt = 0; attempt < 2; attempt++) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> open(dir))
                    .isInstanceOf(io.pub.spi.StoreException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("damaged")
                    .hasMessageContaining(wal.getFileName().toString())
                    .hasMessageContaining("acknowledged updates")
                    .hasMessageContaining("?recover=point-in-time")
                    .hasMessageContaining("?recover=skip-corrupted");
            assertThat(snapshot(dir)).as("files after attempt %d", attempt + 1).isEqualTo(before);
        }
    }
}
