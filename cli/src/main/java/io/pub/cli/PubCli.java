package io.pub.cli;

import io.pub.Stores;
import io.pub.spi.StoreException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code pub}: looks at and repairs what is in a Pub store, the embedded directory or Couchbase, with
 * no application running. Each subcommand is a class of this package; they open the store
 * themselves, read-only where they only look.
 *
 * <p>Exit codes: 0 done; 1 failed (the store, a check that found a problem, a receive that got
 * fewer messages than asked, a question answered no); 2 bad input (usage, an unknown destination, a
 * bad selector or URL).
 */
@Command(
        name = "pub",
        mixinStandardHelpOptions = true,
        versionProvider = PubCli.Version.class,
        usageHelpAutoWidth = true,
        description = {
            "Looks at and repairs what is in a Pub store (the embedded directory or Couchbase), with no"
                    + " application running.",
            "The store: --store URL, else PUB_STORE_URL, else COUCHBASE_CONNECTION_STRING (with COUCHBASE_*),"
                    + " else embedded:./pub-data."
        },
        subcommands = {
            TopicsCommand.class,
            SubscriptionsCommand.class,
            StatCommand.class,
            BrowseCommand.class,
            SendCommand.class,
            ReceiveCommand.class,
            PurgeCommand.class,
            DeleteSubscriptionCommand.class,
            DeleteTopicCommand.class,
            RedriveCommand.class,
            CheckCommand.class,
            CommandLine.HelpCommand.class
        })
public final class PubCli implements Runnable {
    @Option(
            names = "--store",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            description = "The store: embedded:<dir> or couchbase://host/bucket (default: the configured one)")
    String store;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "JSON for scripts instead of tables")
    boolean json;

    final Env env;

    PubCli(Env env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(Env.system(), args));
    }

    /** Runs one command line; returns its exit code. */
    static int run(Env env, String... args) {
        CommandLine cl = new CommandLine(new PubCli(env));
        cl.setOut(new PrintWriter(env.out(), true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(env.err(), true, StandardCharsets.UTF_8));
        cl.registerConverter(java.time.Duration.class, new Durations());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> report(env, e));
        int code = cl.execute(args);
        env.out().flush();
        return code;
    }

    /** One line on standard error, without a stack trace, for what a user can act on. */
    private static int report(Env env, Exception e) {
        if (e instanceof CliException c) {
            env.err().println("pub: " + c.getMessage());
            return c.exitCode();
        }
        if (e instanceof IllegalArgumentException) {
            env.err().println("pub: " + e.getMessage());
            return CliException.BAD_INPUT;
        }
        if (e instanceof StoreException) {
            env.err().println("pub: the store failed: " + e.getMessage());
            return CliException.FAILED;
        }
        env.err().println("pub: unexpected error: " + e);
        e.printStackTrace(env.err());
        return CliException.FAILED;
    }

    /** The store URL: --store, else the configuration every other part of Pub reads. */
    String storeUrl() {
        return store != null ? store : Stores.configuredUrl(env.settings());
    }

    @Override
    public void run() {
        // `pub` alone: the list of commands
        CommandLine.usage(this, env.out());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PubCli.class.getPackage().getImplementationVersion();
            return new String[] {"pub " + (v == null ? "(development build)" : v)};
        }
    }
}
