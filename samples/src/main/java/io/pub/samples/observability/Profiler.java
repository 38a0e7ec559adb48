package io.pub.samples.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.ParseException;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * A Java Flight Recorder recording of the run with the JDK's "profile" settings (CPU samples every
 * 10 ms, allocation samples, locks, I/O), written to a file when closed.
 */
public final class Profiler implements AutoCloseable {
    private final Recording recording;
    private final Path file;

    private Profiler(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    public static Profiler start(Path file) {
        try {
            Recording r = new Recording(Configuration.getConfiguration("profile"));
            r.setName("pub-e2e");
            r.setToDisk(true);
            r.setDestination(file);
            r.start();
            return new Profiler(r, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the flight recording (ENABLE_PROFILING) to " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException("the JDK's 'profile' flight recorder settings do not parse", e);
        }
    }

    /** Where the recording is written on close. */
    public Path file() {
        return file;
    }

    /** Stops the recording and writes it to {@link #file()}. */
    @Override
    public void close() {
        recording.stop();
        recording.close();
    }
}
