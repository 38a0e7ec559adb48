package io.pub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pub.Pub;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** check, and what the tool says about input it cannot use. */
@Timeout(60)
class CheckAndBadInputTest {
    @TempDir
    Path tmp;

    @Test
    void checksAnEmbeddedStoreReadOnlyAlsoWhileItIsOpen() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        TestStore.with(url, app -> {
            app.createQueue("orders");
            app.createTopic("prices", 1);
            app.producer().publish("orders", InspectCommandsTest.text("m", null));
        });
        Cli.Result idle = Cli.run("--store", url, "check");
        assertThat(idle.code()).as(idle.toString()).isZero();
        assertThat(idle.out())
                .containsPattern("open\\s+ok\\s+opened .* read-only in .*; no process has it open")
                .containsPattern("files\\s+ok\\s+every table file's checksums verified")
                .containsPattern("records\\s+ok\\s+2 topics and queues, 1 subscription;");
        try (Pub app = TestStore.pub(url)) {
            Cli.Result busy = Cli.run("--store", url, "--json", "check");
            assertThat(busy.code()).as(busy.toString()).isZero();
            JsonNode open = Json.find(Json.parse(busy.out()), "check", "open");
            assertThat(open.path("detail").asText())
                    .endsWith("process " + ProcessHandle.current().pid() + " has it open");
            assertThat(app.topic("orders")).isPresent();
        }
    }

    @Test
    void findsADamagedTableFile() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        TestStore.with(url, app -> {
            app.createQueue("orders");
            for (int i = 0; i < 200; i++) {
                app.producer().publish("orders", InspectCommandsTest.text("message number " + i, null));
            }
        });
        TestStore.with(url, app -> {}); // reopened: the log is flushed into a table file
        Path sst;
        try (var files = Files.list(tmp.resolve("store"))) {
            sst = files.filter(f -> f.toString().endsWith(".sst"))
                    .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
                    .orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(sst.toFile(), "rw")) {
            long at = f.length() / 4;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xff);
        }
        Cli.Result r = Cli.run("--store", url, "check");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).containsPattern("(files|open)\\s+fail\\s+");
    }

    @Test
    void checksCouchbaseAndSaysWhatItCannotMeasure() {
        String url = TestStore.COUCHBASE.url(tmp);
        Cli.Result r = Cli.run("--store", url, "--json", "check");
        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode checks = Json.parse(r.out());
        assertThat(Json.find(checks, "check", "open").path("detail").asText())
                .contains("connected to couchbase://pubsub:****@127.0.0.1")
                .contains("(hosts, credentials, bucket, scope and collections answered)")
                .doesNotContain(io.pub.couchbase.CouchbaseMockServer.PASSWORD);
        assertThat(Json.find(checks, "check", "records").path("status").asText())
                .isEqualTo("ok");
        JsonNode clock = Json.find(checks, "check", "clock");
        assertThat(clock.path("status").asText()).isIn("ok", "warn");
        assertThat(clock.path("detail").asText()).containsAnyOf("not measurable", "this host by");
    }

    @Test
    void anUnreachableCouchbaseFailsTheCheck() {
        Cli.Result r = Cli.run(
                "--store",
                "couchbase://u:secret@127.0.0.1:1=kv,127.0.0.1:2=manager/pubsub?layout=prefix&connectTimeout=1s",
                "check");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).containsPattern("open\\s+fail\\s+cannot open the store couchbase://u:\\*\\*\\*\\*@");
        assertThat(r.out() + r.err()).doesNotContain("secret");
    }

    @Test
    void badInputIsSaidInOneLineWithExitCode2() throws Exception {
        String url = TestStore.EMBEDDED.url(tmp);
        TestStore.with(url, app -> app.createQueue("orders"));
        for (List<String> args : List.of(
                List.of("--store", "bogus:x", "topics"),
                List.of("--store", "embedded:", "topics"),
                List.of("--store", "embedded:" + tmp.resolve("none"), "topics"),
                List.of("--store", "embedded:" + tmp.resolve("store") + "?readOnly=perhaps", "topics"),
                List.of("--store", "couchbase://host:notaport/b", "topics"),
                List.of("--store", url, "browse", "orders", "--selector", "color = = 'red'"),
                List.of("--store", url, "browse", "orders", "--selector", "JMSXDeliveryCount > 1"),
                List.of("--store", url, "browse", "ordres"),
                List.of("--store", url, "browse", "orders", "--limit", "0"),
                List.of("--store", url, "subscriptions", "bad name!"),
                List.of("--store", url, "frobnicate"),
                List.of("--store", url, "browse"))) {
            Cli.Result r = Cli.run(args.toArray(new String[0]));
            assertThat(r.code()).as(args + "\n" + r).isEqualTo(2);
            assertThat(r.err()).as(args.toString()).isNotBlank().doesNotContain("Exception\n\tat ");
            assertThat(r.out()).as(args.toString()).isEmpty();
        }
        assertThat(Cli.run("--store", "bogus:x", "topics").err()).contains("unknown store scheme 'bogus'");
        assertThat(Cli.run("--store", url, "browse", "orders", "--selector", "color = = 'red'")
                        .err())
                .contains("invalid message selector 'color = = 'red'': Parse error at line 1, column 9");
        assertThat(tmp.resolve("none")).as("a look never creates a store").doesNotExist();
    }

    @Test
    void helpAndVersion() {
        Cli.Result help = Cli.run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out())
                .contains(
                        "topics",
                        "subscriptions",
                        "stat",
                        "browse",
                        "send",
                        "receive",
                        "purge",
                        "delete-subscription",
                        "delete-topic",
                        "redrive",
                        "check");
        Cli.Result sub = Cli.run("help", "redrive");
        assertThat(sub.code()).isZero();
        assertThat(sub.out()).contains("--from=DLQ", "--to=DEST", "--selector=EXPR", "--limit");
        assertThat(Cli.run("--version").out()).startsWith("pub ");
    }
}
