package io.pub.cli;

import io.pub.Message;
import io.pub.Producer;
import io.pub.Pub;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "send",
        header = "Sends text or the bytes of a file to a queue or topic.",
        description = {
            "Sends messages to a queue or topic, as a JMS application's producer would: text (--text, or each",
            "line of standard input) or the bytes of a file (--file), --count times, at --rate per second."
        })
final class SendCommand extends StoreCommand {
    /** As the provider makes JMSMessageIDs: a prefix unique to this run, then a counter. */
    private static final String ID_PREFIX = "ID:pub-cli-" + UUID.randomUUID() + "-";

    @Parameters(paramLabel = "DEST", description = "The queue or topic")
    String destination;

    @ArgGroup(exclusive = true)
    Body body;

    static final class Body {
        @Option(names = "--text", paramLabel = "TEXT", description = "A TextMessage with this text")
        String text;

        @Option(names = "--file", paramLabel = "PATH", description = "A BytesMessage with this file's bytes")
        Path file;

        @Option(names = "--text-file", paramLabel = "PATH", description = "A TextMessage with this UTF-8 file's text")
        Path textFile;
    }

    @Option(names = "--count", defaultValue = "1", description = "Send it this many times (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--rate", defaultValue = "0", description = "Messages per second at most (0: no limit)")
    double rate;

    @Option(
            names = {"-p", "--property"},
            paramLabel = "NAME[:TYPE]=VALUE",
            description = "A property; TYPE is string (default), int, long, double, boolean")
    List<String> properties = new ArrayList<>();

    @Option(names = "--type", description = "JMSType")
    String type;

    @Option(names = "--correlation-id", description = "JMSCorrelationID")
    String correlationId;

    @Option(names = "--group", description = "JMSXGroupID: messages of a group go to one shard, in order")
    String group;

    @Option(names = "--priority", defaultValue = "4", description = "JMSPriority, 0-9 (default ${DEFAULT-VALUE})")
    int priority;

    @Option(names = "--ttl", description = "Time to live (e.g. 10m): expires after it")
    Duration ttl;

    @Option(names = "--non-persistent", description = "JMSDeliveryMode NON_PERSISTENT (stored as durably anyway)")
    boolean nonPersistent;

    @Option(
            names = "--create",
            paramLabel = "queue|topic",
            description = "Create DEST as a queue or topic if it does not exist (and the embedded store if none)")
    String create;

    private long sent;

    /** What --json prints: where the messages went. */
    record Sent(String destination, String kind, int sent, List<String> messageIds) {}

    @Override
    String name() {
        return "send";
    }

    @Override
    public Integer call() throws IOException {
        if (count < 1) {
            throw CliException.badInput("--count must be >= 1, was " + count);
        }
        if (rate < 0) {
            throw CliException.badInput("--rate must be >= 0, was " + rate);
        }
        if (priority < 0 || priority > 9) {
            throw CliException.badInput("--priority must be between 0 and 9, was " + priority);
        }
        if (create != null && !create.equals("queue") && !create.equals("topic")) {
            throw CliException.badInput("--create must be queue or topic, was '" + create + "'");
        }
        Map<String, Object> props = Properties.parse(properties);
        List<Payload> payloads = payloads();
        Store.Access access = create != null ? Store.Access.CREATE : Store.Access.WRITE;
        try (Store store = Store.open(cli.storeUrl(), env(), access, name())) {
            Pub pub = store.pub();
            if (create != null && store.controller().topic(destination).isEmpty()) {
                try {
                    if (create.equals("queue")) {
                        pub.createQueue(destination);
                    } else {
                        pub.createTopic(destination);
                    }
                } catch (IllegalArgumentException e) {
                    throw CliException.badInput(e.getMessage());
                }
            }
            Destinations dest = Destinations.resolve(store, destination);
            Producer producer = pub.producer(rate);
            List<String> ids = new ArrayList<>();
            List<Message> batch = new ArrayList<>();
            for (int n = 0; n < count; n++) {
                for (Payload p : payloads) {
                    Message m = message(p, props, store.now());
                    ids.add(m.id());
                    if (rate > 0) {
                        producer.publish(destination, m); // paced one by one
                    } else {
                        batch.add(m);
                        if (batch.size() == 100) {
                            producer.publish(destination, batch);
                            batch.clear();
                        }
                    }
                }
            }
            if (!batch.isEmpty()) {
                producer.publish(destination, batch);
            }
            Output out = output();
            if (out.json()) {
                out.json(new Sent(dest.name(), dest.kind(), ids.size(), ids));
            } else {
                out.line("sent " + ids.size() + " message" + (ids.size() == 1 ? "" : "s") + " to " + dest.kind() + " "
                        + dest.name());
            }
            return 0;
        }
    }

    private record Payload(boolean text, byte[] bytes) {}

    private List<Payload> payloads() throws IOException {
        if (body != null && body.text != null) {
            return List.of(new Payload(true, body.text.getBytes(StandardCharsets.UTF_8)));
        }
        if (body != null && (body.file != null || body.textFile != null)) {
            Path f = body.file != null ? body.file : body.textFile;
            if (!Files.isRegularFile(f)) {
                throw CliException.badInput("no such file: " + f);
            }
            byte[] b = Files.readAllBytes(f);
            if (b.length > Message.MAX_BODY_BYTES) {
                throw CliException.badInput(
                        f + " holds " + b.length + " bytes; a message body holds at most " + Message.MAX_BODY_BYTES);
            }
            return List.of(new Payload(body.textFile != null, b));
        }
        // each line of standard input is a text message
        List<Payload> lines = new ArrayList<>();
        BufferedReader r = env().reader();
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            lines.add(new Payload(true, line.getBytes(StandardCharsets.UTF_8)));
        }
        if (lines.isEmpty()) {
            throw CliException.badInput(
                    "nothing to send: give --text, --file or --text-file, or lines on standard" + " input");
        }
        return lines;
    }

    /**
     * The stored form of a JMS TextMessage or BytesMessage (io.pub.jms.MessageMapping): a JMS consumer
     * receives it as if a JMS producer had sent it.
     */
    private Message message(Payload p, Map<String, Object> props, long now) {
        Map<String, Object> all = new LinkedHashMap<>(props);
        if (group != null) {
            all.put("JMSXGroupID", group);
        }
        Message.Builder b = Message.builder()
                .id(ID_PREFIX + (++sent))
                .type(type)
                .key(group)
                .priority(priority)
                .expiration(ttl == null ? 0 : now + ttl.toMillis())
                .header(StoredView.DELIVERY_MODE, nonPersistent ? StoredView.NON_PERSISTENT : "2")
                .header(StoredView.TIMESTAMP, Long.toString(now))
                .header(StoredView.CORRELATION_ID, correlationId)
                .header(StoredView.BODY, p.text() ? StoredView.BODY_TEXT : StoredView.BODY_BYTES)
                .properties(all)
                .body(p.bytes());
        return b.build();
    }
}
