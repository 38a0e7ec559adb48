package io.pub.cli;

/**
 * A failure the tool reports in one sentence, without a stack trace, and exits with {@link #exitCode}:
 * {@link #BAD_INPUT} for what the user asked (an unknown destination, a bad selector or URL), {@link
 * #FAILED} for what went wrong doing it.
 */
final class CliException extends RuntimeException {
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static CliException badInput(String message) {
        return new CliException(BAD_INPUT, message);
    }

    static CliException failed(String message) {
        return new CliException(FAILED, message);
    }

    int exitCode() {
        return exitCode;
    }
}
