package io.pub.samples.e2e;

import io.pub.Settings;
import io.pub.samples.observability.Observability;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The e2e job's settings, read (and checked) up front so a bad value fails before anything starts.
 * Store settings (PUB_STORE_URL, COUCHBASE_*) and engine settings (PUB_SHARDS, ...) are read by
 * {@code Pub} from the same {@link Settings}.
 */
public record E2eConfig(
        Api api,
        int eventCount,
        int publishRounds,
        double publishRate,
        int publishBatchSize,
        int consumerBatchSize,
        int consumerMaxEmptyCount,
        Duration emptyPollWait,
        String logLevel,
        Duration metricsTimeout,
        Observability.Options observability) {

    /** Which face of Pub the job drives (E2E_API): standard JMS (the default) or the native API. */
    public enum Api {
        JMS,
        NATIVE
    }

    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    public static E2eConfig from(Settings s, String runId) {
        String level = s.get("LOG_LEVEL", "info").toLowerCase(Locale.ROOT);
        if (level.equals("warning")) {
            level = "warn";
        }
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("LOG_LEVEL must be one of trace, debug, info, warn, error, off; was '"
                    + s.get("LOG_LEVEL", "") + "'");
        }
        String api = s.get("E2E_API", "jms").toUpperCase(Locale.ROOT);
        if (!api.equals("JMS") && !api.equals("NATIVE")) {
            throw new IllegalArgumentException("E2E_API must be jms or native, was '" + s.get("E2E_API", "") + "'");
        }
        return new E2eConfig(
                Api.valueOf(api),
                s.getInt("EVENT_COUNT", 100, 1),
                s.getInt("PUBLISH_ROUNDS", 1, 1),
                s.getDouble("PUBLISH_MESSAGES_PER_SEC", 0, 0, 1e9),
                s.getInt("PUBLISH_BATCH_SIZE", 10, 1),
                s.getInt("CONSUMER_BATCH_SIZE", 50, 1),
                s.getInt("CONSUMER_MAX_EMPTY_COUNT", 2, 1),
                nonNegative(s, "CONSUMER_EMPTY_POLL_WAIT", Duration.ofMillis(200)),
                level,
                nonNegative(s, "METRICS_TIMEOUT", Duration.ofSeconds(30)),
                Observability.Options.from(s, "pub-e2e-" + runId + ".jfr"));
    }

    private static Duration nonNegative(Settings s, String name, Duration dflt) {
        Duration d = s.getDuration(name, dflt);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + d);
        }
        return d;
    }

    public long totalEvents() {
        return (long) eventCount * publishRounds;
    }
}
