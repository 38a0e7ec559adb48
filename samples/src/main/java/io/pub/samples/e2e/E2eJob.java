package io.pub.samples.e2e;

import io.micrometer.core.instrument.Metrics;
import io.pub.Consumer;
import io.pub.Delivery;
import io.pub.Message;
import io.pub.Producer;
import io.pub.Pub;
import io.pub.Settings;
import io.pub.Stores;
import io.pub.samples.observability.Observability;
import io.pub.spi.Subscription;
import jakarta.jms.JMSException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end job: publishes EVENT_COUNT events PUBLISH_ROUNDS times while consumers drain them,
 * stops each consumer once CONSUMER_MAX_EMPTY_COUNT polls in a row after the last publish found
 * nothing, checks that every published event arrived, prints a summary and exits 1 if anything was
 * lost (2 on a bad setting). E2E_API=jms (the default) uses standard JMS ({@link JmsExchange}: a
 * topic with a shared durable subscription and a queue); E2E_API=native the native API (a topic
 * with a shared durable subscription, deleted at the end). Every run uses fresh destinations named
 * after its run id, so reruns against the same store never see old events.
 *
 * <p>Settings (environment or system properties): see {@link E2eConfig} and {@link
 * Observability.Options}; the store is PUB_STORE_URL / COUCHBASE_*, by default the embedded store in
 * ./pub-data.
 */
public final class E2eJob {
    static final String SENT_NANOS = "e2e.sentNanos";
    private static final String SUBSCRIPTION = "e2e";

    private final Settings settings;
    private final PrintStream out;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicReference<Observability> observability = new AtomicReference<>();

    public E2eJob(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public static void main(String[] args) {
        Settings settings = Settings.fromEnvironment();
        // slf4j-simple reads its level once, when the first logger is made: set it before that
        settings.get("LOG_LEVEL")
                .ifPresent(level -> System.setProperty(
                        "org.slf4j.simpleLogger.defaultLogLevel",
                        level.toLowerCase(Locale.ROOT).equals("warning") ? "warn" : level.toLowerCase(Locale.ROOT)));
        System.exit(new E2eJob(settings, System.out).run());
    }

    /** Runs the job; returns the process exit code (0 all arrived, 1 loss or failure, 2 bad setting). */
    public int run() {
        E2eConfig config;
        try {
            config = E2eConfig.from(settings, runId);
        } catch (IllegalArgumentException e) {
            out.println("configuration error: " + e.getMessage());
            return 2;
        }
        try {
            E2eSummary summary = run(config);
            return summary.exitCode();
        } catch (IllegalArgumentException e) {
            out.println("configuration error: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("interrupted");
            return 1;
        } catch (RuntimeException e) {
            out.println("e2e run failed: " + e);
            LoggerFactory.getLogger(E2eJob.class).error("e2e run failed", e);
            return 1;
        }
    }

    /** The observability of the running job (for tests: the metrics port), or null before it starts. */
    public Observability observability() {
        return observability.get();
    }

    public String runId() {
        return runId;
    }

    E2eSummary run(E2eConfig config) throws InterruptedException {
        Logger log = LoggerFactory.getLogger(E2eJob.class);
        try (Observability obs = Observability.start(config.observability())) {
            observability.set(obs);
            if (obs.metricsPort() >= 0) {
                log.info("metrics at http://localhost:{}/metrics", obs.metricsPort());
            }
            EventTally tally = new EventTally();
            String url = Stores.configuredUrl(settings);
            String destinations;
            if (config.api() == E2eConfig.Api.JMS) {
                destinations = runJms(url, config, obs, tally);
            } else {
                destinations = runNative(config, obs, tally);
            }
            Path profile = obs.stopProfiling();
            String metricsUrl = obs.metricsPort() >= 0 ? "http://localhost:" + obs.metricsPort() + "/metrics" : null;
            E2eSummary summary = E2eSummary.of(runId, destinations, Stores.redact(url), tally, metricsUrl, profile);
            out.print(summary.format());
            out.flush();
            awaitFinalScrape(obs, config);
            return summary;
        }
    }

    private String runJms(String url, E2eConfig config, Observability obs, EventTally tally)
            throws InterruptedException {
        JmsExchange exchange = new JmsExchange(settings, url, runId, config, tally);
        // the provider's engine reports to Micrometer's global registry: route that to ours for the run
        if (obs.registry() != null) {
            Metrics.addRegistry(obs.registry());
        }
        try {
            exchange.run();
        } catch (JMSException e) {
            throw new IllegalStateException("JMS failure: " + e, e);
        } finally {
            if (obs.registry() != null) {
                Metrics.removeRegistry(obs.registry());
            }
        }
        return "JMS: topic " + exchange.topicName() + " with shared durable subscription e2e (2 consumers), queue "
                + exchange.queueName();
    }

    private String runNative(E2eConfig config, Observability obs, EventTally tally) throws InterruptedException {
        Pub.Builder builder = Pub.builder().settings(settings).openTelemetry(obs.openTelemetry());
        if (obs.registry() != null) {
            builder.meterRegistry(obs.registry());
        }
        String topic = "e2e-" + runId;
        try (Pub pub = builder.build()) {
            try {
                exchange(pub, topic, config, tally);
            } finally {
                pub.controller().deleteTopic(topic);
            }
        }
        return "native API: topic " + topic + " with shared durable subscription e2e";
    }

    private void exchange(Pub pub, String topic, E2eConfig config, EventTally tally) throws InterruptedException {
        int shards = pub.createTopic(topic).shards();
        Subscription subscription = pub.subscribe(new Subscription(
                topic,
                SUBSCRIPTION,
                Subscription.Kind.SHARED_DURABLE,
                null,
                false,
                null,
                pub.clock().millis()));
        PublishWindow publishing = new PublishWindow(pub.config().rescanInterval());
        AtomicReference<RuntimeException> consumerFailure = new AtomicReference<>();
        Thread consumer = new Thread(
                () -> {
                    try (Consumer c = pub.consumer(subscription, config.consumerBatchSize())) {
                        consume(c, config, publishing, tally);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        consumerFailure.set(e);
                    }
                },
                "e2e-consumer");
        consumer.start();
        try {
            publish(pub.producer(config.publishRate()), topic, shards, config, tally);
        } finally {
            publishing.ended();
            consumer.join();
        }
        if (consumerFailure.get() != null) {
            throw consumerFailure.get();
        }
    }

    private void publish(Producer producer, String topic, int shards, E2eConfig config, EventTally tally) {
        Logger log = LoggerFactory.getLogger(E2eJob.class);
        tally.publishing();
        int shard = 0;
        for (int round = 0; round < config.publishRounds(); round++) {
            for (int seq = 0; seq < config.eventCount(); seq += config.publishBatchSize()) {
                int n = Math.min(config.publishBatchSize(), config.eventCount() - seq);
                List<Message> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    batch.add(event(round, seq + i));
                }
                try {
                    producer.publishBatch(topic, shard, batch);
                    batch.forEach(m -> tally.published(m.id()));
                } catch (RuntimeException e) {
                    tally.publishFailed(n);
                    log.warn("publish of {} events failed: {}", n, e.toString());
                }
                shard = (shard + 1) % shards;
            }
            log.debug("round {} published", round + 1);
        }
    }

    private Message event(int round, int seq) {
        String id = runId + "-" + round + "-" + seq;
        String body = "{\"run\":\"" + runId + "\",\"round\":" + round + ",\"seq\":" + seq + "}";
        return Message.builder()
                .id(id)
                .type("e2e.event")
                .property(SENT_NANOS, System.nanoTime())
                .body(body.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private static void consume(Consumer consumer, E2eConfig config, PublishWindow publishing, EventTally tally)
            throws InterruptedException {
        int empty = 0;
        while (true) {
            boolean done = publishing.settled(); // read before polling: only later polls count as empty
            int n = consumer.pull(d -> record(d, tally));
            if (n > 0) {
                empty = 0;
                continue;
            }
            if (done && ++empty >= config.consumerMaxEmptyCount()) {
                return;
            }
            Thread.sleep(config.emptyPollWait().toMillis());
        }
    }

    private static void record(Delivery d, EventTally tally) {
        Object sent = d.message().properties().get(SENT_NANOS);
        tally.delivered(d.message().id(), sent instanceof Long l ? l : 0, d.redelivered());
    }

    private void awaitFinalScrape(Observability obs, E2eConfig config) throws InterruptedException {
        if (obs.metricsServer() == null || config.metricsTimeout().isZero()) {
            return;
        }
        long since = System.nanoTime();
        out.printf(
                Locale.ROOT,
                "waiting up to %ds for a final scrape of :%d/metrics (METRICS_TIMEOUT)%n",
                config.metricsTimeout().toSeconds(),
                obs.metricsPort());
        out.flush();
        obs.metricsServer().awaitScrape(since, config.metricsTimeout());
    }
}
