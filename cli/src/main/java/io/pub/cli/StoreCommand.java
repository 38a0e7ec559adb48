package io.pub.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/** What every subcommand shares: the parent's options, the store, the output. */
abstract class StoreCommand implements Callable<Integer> {
    @ParentCommand
    PubCli cli;

    Env env() {
        return cli.env;
    }

    Output output() {
        return new Output(env().out(), cli.json);
    }

    Store openRead() {
        return Store.open(cli.storeUrl(), env(), Store.Access.READ, name());
    }

    Store openWrite() {
        return Store.open(cli.storeUrl(), env(), Store.Access.WRITE, name());
    }

    /** The subcommand's name, for messages. */
    abstract String name();

    /**
     * Asks before a change that cannot be undone; true to go on. Without {@code --yes} the answer is
     * read from standard input, and no answer (a script, a closed input) is no.
     */
    boolean confirm(boolean yes, String question) {
        if (yes) {
            return true;
        }
        env().err().print(question + " [y/N] ");
        env().err().flush();
        String answer;
        try {
            answer = env().reader().readLine();
        } catch (IOException e) {
            answer = null;
        }
        if (answer != null
                && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"))) {
            return true;
        }
        if (answer == null) {
            env().err().println();
        }
        throw CliException.failed("not confirmed: nothing was changed (--yes answers yes)");
    }
}
