package io.pub.cli;

import io.pub.TopicShard;
import io.pub.embedded.EmbeddedStore;
import io.pub.spi.Claim;
import io.pub.spi.Controller;
import io.pub.spi.Cursor;
import io.pub.spi.Subscription;
import io.pub.spi.TopicInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import picocli.CommandLine.Command;

@Command(
        name = "check",
        header = "Checks the store's health.",
        description = {
            "Checks the store's health. Embedded: opens it read-only, reads every table file's checksums, checks",
            "the log holds every acknowledged update, and that the records agree. Couchbase: connects (hosts,",
            "credentials, bucket, scope, collections), checks the records, and measures the clock skew between",
            "this host and the server. Exits 1 if a check failed."
        })
final class CheckCommand extends StoreCommand {
    /** One check: ok, warn or fail, with what was found. */
    record Check(String check, String status, String detail) {}

    @Override
    String name() {
        return "check";
    }

    @Override
    public Integer call() {
        List<Check> checks = new ArrayList<>();
        String url = cli.storeUrl();
        String scheme = Store.scheme(url);
        long started = System.nanoTime();
        Store store;
        try {
            store = openRead();
        } catch (CliException e) {
            checks.add(new Check("open", "fail", e.getMessage()));
            report(checks);
            return e.exitCode();
        }
        try (store) {
            long millis = (System.nanoTime() - started) / 1_000_000;
            Controller c = store.controller();
            if (c instanceof EmbeddedStore e) {
                embedded(checks, e, millis);
            } else {
                checks.add(new Check(
                        "open",
                        "ok",
                        "connected to " + store.url() + " in " + Durations.format(millis)
                                + ("couchbase".equals(scheme) || "couchbases".equals(scheme)
                                        ? " (hosts, credentials, bucket, scope and collections answered)"
                                        : "")));
            }
            records(checks, c);
            if ("couchbase".equals(c.kind())) {
                clockSkew(checks, store);
            }
        }
        return report(checks);
    }

    private static void embedded(List<Check> checks, EmbeddedStore e, long millis) {
        OptionalLong holder = LockHolder.of(e.directory());
        checks.add(new Check(
                "open",
                "ok",
                "opened " + e.directory() + " read-only in " + Durations.format(millis)
                        + (holder.isPresent()
                                ? "; process " + holder.getAsLong() + " has it open"
                                : "; no process has it open")));
        List<String> problems = e.verify();
        checks.add(new Check(
                "files",
                problems.isEmpty() ? "ok" : "fail",
                problems.isEmpty()
                        ? "every table file's checksums verified; the log holds every acknowledged update"
                        : String.join("; ", problems)));
    }

    /** The registry and the records under it agree: topics read, cursors within their shard's head. */
    private static void records(List<Check> checks, Controller c) {
        List<String> problems = new ArrayList<>();
        int topics = 0;
        int subscriptions = 0;
        try {
            for (TopicInfo t : c.topics()) {
                topics++;
                long[] heads = new long[t.shards()];
                for (int s = 0; s < t.shards(); s++) {
                    heads[s] = c.head(new TopicShard(t.name(), s));
                }
                for (Subscription sub : c.subscriptions(t.name())) {
                    subscriptions++;
                    for (int s = 0; s < t.shards(); s++) {
                        Cursor cur = c.cursor(sub.id(), new TopicShard(t.name(), s));
                        if (cur.committed() > heads[s]) {
                            problems.add("the cursor of " + t.name() + "/" + sub.id() + " on shard " + s + " is at "
                                    + cur.committed() + ", past the head " + heads[s]);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            problems.add("reading the records failed: " + e.getMessage());
        }
        checks.add(new Check(
                "records",
                problems.isEmpty() ? "ok" : "fail",
                problems.isEmpty()
                        ? topics + (topics == 1 ? " topic or queue, " : " topics and queues, ") + subscriptions
                                + (subscriptions == 1 ? " subscription" : " subscriptions")
                                + "; every cursor within its shard's head"
                        : String.join("; ", problems)));
    }

    /**
     * Couchbase stamps each mutation with a CAS taken from a hybrid logical clock (nanoseconds since the
     * epoch on Couchbase Server 4.6 and later); a claim's version is its document's CAS. A short-lived
     * claim written between two readings of this host's clock gives the skew, give or take half the
     * round trip. A server whose CAS is no clock (CouchbaseMock) says so.
     */
    private static void clockSkew(List<Check> checks, Store store) {
        Controller c = store.controller();
        String key = "pub-check:" + UUID.randomUUID();
        long before = System.currentTimeMillis();
        Optional<Claim> claim;
        try {
            claim = c.claim(key, "pub-check", store.now() + 60_000, store.now());
        } catch (RuntimeException e) {
            checks.add(new Check("clock", "fail", "writing a probe record failed: " + e.getMessage()));
            return;
        }
        long after = System.currentTimeMillis();
        claim.ifPresent(cl -> c.releaseClaim(key, "pub-check"));
        if (claim.isEmpty()) {
            checks.add(new Check("clock", "warn", "could not write a probe record"));
            return;
        }
        long serverMillis = claim.get().version() / 1_000_000;
        long local = (before + after) / 2;
        long skew = serverMillis - local;
        if (Math.abs(skew) > 365L * 24 * 3600 * 1000) {
            checks.add(new Check(
                    "clock",
                    "ok",
                    "not measurable: this server's CAS values are not a clock (not Couchbase Server 4.6+)"));
            return;
        }
        long error = (after - before) / 2 + 1;
        String status = Math.abs(skew) > 1000 ? "warn" : "ok";
        checks.add(new Check(
                "clock",
                status,
                "server clock " + (skew >= 0 ? "ahead of" : "behind") + " this host by " + Math.abs(skew) + " ms (±"
                        + error + " ms)"
                        + ("warn".equals(status)
                                ? "; leases and claims expire by the clocks of the hosts that take them, so"
                                        + " keep every host's clock in sync (NTP)"
                                : "")));
    }

    private int report(List<Check> checks) {
        Output out = output();
        if (out.json()) {
            out.json(checks);
        } else {
            Table t = new Table("CHECK", "STATUS", "DETAIL");
            checks.forEach(ch -> t.row(ch.check(), ch.status(), ch.detail()));
            out.table(t);
        }
        return checks.stream().anyMatch(ch -> ch.status().equals("fail")) ? CliException.FAILED : 0;
    }
}
