package io.pub.chaos;

import java.nio.file.Path;
import java.util.function.Supplier;

/** Reads a control file again every {@link Control#POLL_MS} ms on a daemon thread. */
final class ControlWatcher implements Supplier<Control> {
    private final Path file;
    private volatile Control current;

    private ControlWatcher(Path file) {
        this.file = file;
        this.current = Control.read(file);
    }

    static ControlWatcher start(Path file) {
        ControlWatcher w = new ControlWatcher(file);
        Thread t = new Thread(w::loop, "chaos-control");
        t.setDaemon(true);
        t.start();
        return w;
    }

    private void loop() {
        while (true) {
            try {
                Thread.sleep(Control.POLL_MS);
                current = Control.read(file);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a half-written file cannot happen (the harness renames), but a bad one keeps the last state
                System.err.println("chaos: cannot read " + file + ": " + e);
            }
        }
    }

    @Override
    public Control get() {
        return current;
    }
}
