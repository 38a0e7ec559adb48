package io.pub.embedded;

import io.pub.Settings;
import io.pub.spi.Controller;
import io.pub.spi.ControllerProvider;
import java.net.URI;
import java.time.Clock;

/**
 * {@code embedded:<directory>[?sync=false][&recover=point-in-time|skip-corrupted][&readOnly=true]}: the store in a
 * local RocksDB directory, the default store. The directory is {@code ./pub-data}, {@code /abs/dir}
 * or {@code ///abs/dir} after the scheme and is created owner-only ({@code rwx------}) if missing;
 * the store's files are made owner-only too.
 *
 * <p>By default a publish returns only once its messages are fsynced, concurrent publishes sharing
 * one fsync (group commit), so an acknowledged message survives a killed process and a machine
 * crash. {@code sync=false} is the explicitly less durable mode: nothing is fsynced, so a killed
 * process still loses nothing but a machine crash may lose recent writes.
 *
 * <p>An open never loses an acknowledged write quietly: a directory missing RocksDB's CURRENT file,
 * or whose write-ahead log is damaged beyond a torn last write that was never acknowledged, fails
 * to open naming the damage (see {@link StoreOpener}). {@code recover=point-in-time} (keep what
 * precedes the damage) or {@code recover=skip-corrupted} (keep every intact record) accepts the loss
 * and logs what was dropped.
 *
 * <p>Only one process, and one open store within it, may use a directory at a time; a second open
 * fails naming the directory. {@code readOnly=true} opens without that lock, also while another
 * process has the store open, and changes nothing (see {@link ReadOnlyController}). The store never reads the clock: every time it compares comes from
 * the caller. The Controller it opens also implements {@link EmbeddedStore}.
 */
public final class EmbeddedControllerProvider implements ControllerProvider {
    @Override
    public boolean supports(String scheme) {
        return "embedded".equals(scheme);
    }

    @Override
    public void validate(URI url, Settings settings) {
        StoreUrl.parse(url);
    }

    @Override
    public Controller open(URI url, Settings settings, Clock clock) {
        StoreUrl parsed = StoreUrl.parse(url);
        return parsed.readOnly() ? ReadOnlyController.open(parsed) : EmbeddedController.open(parsed);
    }
}
