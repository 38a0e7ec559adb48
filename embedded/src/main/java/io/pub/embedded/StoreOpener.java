package io.pub.embedded;

import io.pub.spi.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a store's database and decides what a damaged write-ahead log may cost. Never an
 * acknowledged write, unless the operator chose a {@link Recovery} option; never anything without
 * saying so.
 *
 * <p>The first attempt replays the log read-only in RocksDB's strictest mode, which fails on any
 * damage and changes no file; an intact log then opens in point-in-time mode, which keeps the
 * recycling of log files on. Damage found, two read-only replays (which change nothing)
 * measure it: how far the log is intact from the start, and how far any intact record reaches.
 * If the intact start covers every update the {@link SyncedMark} says was fsynced, the damage is a
 * write torn by a crash that nobody was told had succeeded, which is normal for a log: the store
 * opens without it and logs a warning. Otherwise the open fails, naming the damage and what each
 * recovery option would keep. A log that is intact but ends before the mark (cut at a record
 * boundary, a log file missing) fails the same way, after RocksDB has opened it.
 */
final class StoreOpener {
    private static final Logger log = LoggerFactory.getLogger(StoreOpener.class);

    private final StoreDirectory dir;
    private final Recovery recovery;
    private final DBOptions options;
    private final List<ColumnFamilyDescriptor> descriptors;
    private final RocksLog rocksLog;

    record Opened(RocksDB db, List<ColumnFamilyHandle> handles) {
        void close() {
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
        }
    }

    StoreOpener(
            StoreDirectory dir,
            Recovery recovery,
            DBOptions options,
            List<ColumnFamilyDescriptor> descriptors,
            RocksLog rocksLog) {
        this.dir = dir;
        this.recovery = recovery;
        this.options = options;
        this.descriptors = descriptors;
        this.rocksLog = rocksLog;
    }

    /** @param fresh the directory holds no store yet: create one */
    Opened open(boolean fresh) throws RocksDBException {
        OptionalLong acknowledged = fresh ? OptionalLong.empty() : SyncedMark.read(dir.path());
        options.setCreateIfMissing(fresh);
        rocksLog.collect();
        try {
            return recovery == Recovery.NONE ? openStrictly(fresh, acknowledged) : openRecovering(acknowledged);
        } finally {
            List<String> rest = rocksLog.collected();
            rocksLog.forward();
            for (String line : rest) {
                if (line.endsWith("dropping 0 bytes; possibly recycled")) {
                    // the end of the new records in a recycled log file (LogPrimer), where an earlier
                    // log's follow: how every such log ends. Acknowledged records missing before it
                    // are caught by the synced mark, which fails the open
                    log.info("RocksDB, embedded store {}: {}", dir, line);
                } else if (!line.startsWith("DB::Open() failed")) { // the exception says it
                    log.warn("RocksDB, embedded store {}: {}", dir, line);
                }
            }
        }
    }

    private Opened openStrictly(boolean fresh, OptionalLong acknowledged) throws RocksDBException {
        Opened opened;
        try {
            if (!fresh) {
                // the strict replay reads only: a read-write open in this mode would turn off the
                // recycling of log files (EmbeddedController.RECYCLED_LOGS), which point-in-time
                // recovery keeps; on a log the strict replay found intact the two modes agree
                latestReadOnly(WALRecoveryMode.AbsoluteConsistency);
                rocksLog.collected();
            }
            opened = openWith(WALRecoveryMode.PointInTimeRecovery);
        } catch (RocksDBException e) {
            if (!isCorruption(e)) {
                throw e;
            }
            List<String> damage = RocksLog.drops(rocksLog.collected());
            long intactStart = measure(WALRecoveryMode.PointInTimeRecovery, e, damage);
            if (acknowledged.isPresent() && intactStart >= acknowledged.getAsLong()) {
                opened = openWith(WALRecoveryMode.PointInTimeRecovery);
                rocksLog.collected(); // the same damage again
                log.warn(
                        "embedded store {}: dropped the end of its write-ahead log, written after the last fsync"
                                + " (update #{}) and so never acknowledged, as a crash leaves it (RocksDB: {})",
                        dir,
                        acknowledged.getAsLong(),
                        describe(damage));
                return checked(opened, acknowledged);
            }
            long intactAny = measure(WALRecoveryMode.SkipAnyCorruptedRecords, e, damage);
            throw damaged(damage, acknowledged, intactStart, intactAny);
        }
        return checked(opened, acknowledged);
    }

    /** Fails (closing it) if the database lacks updates the mark says were fsynced and acknowledged. */
    private Opened checked(Opened opened, OptionalLong acknowledged) {
        long latest = opened.db.getLatestSequenceNumber();
        if (acknowledged.isPresent() && latest < acknowledged.getAsLong()) {
            opened.close();
            long ack = acknowledged.getAsLong();
            throw new StoreException("the embedded store in " + dir + " is damaged: updates up to #" + ack
                    + " were fsynced and acknowledged, but its write-ahead log ends at #" + latest
                    + " (cut at a record boundary, or a log file is missing), so " + (ack - latest)
                    + " acknowledged updates (messages, heads, cursors, leases) are lost. Restore the directory"
                    + " from a copy, or accept the loss with the store URL option ?recover="
                    + Recovery.POINT_IN_TIME.option);
        }
        return opened;
    }

    private Opened openRecovering(OptionalLong acknowledged) throws RocksDBException {
        long intactAny = -1;
        if (recovery == Recovery.POINT_IN_TIME) {
            // to say how many intact updates after the damage point-in-time recovery gives up
            intactAny = latestReadOnly(WALRecoveryMode.SkipAnyCorruptedRecords);
            rocksLog.collected();
        }
        Opened opened = openWith(recovery.mode);
        List<String> damage = RocksLog.drops(rocksLog.collected());
        long kept = opened.db.getLatestSequenceNumber();
        long ack = acknowledged.orElse(0);
        long lost = Math.max(0, Math.max(ack, intactAny) - kept);
        if (damage.isEmpty() && lost == 0) {
            log.warn(
                    "embedded store {} opened with recover={}, which accepts losing writes whenever its log is"
                            + " damaged; nothing was damaged this time: remove the option",
                    dir,
                    recovery.option);
        } else {
            log.warn(
                    "embedded store {} opened with recover={}: its write-ahead log was damaged (RocksDB: {});"
                            + " kept updates up to #{}{}{}",
                    dir,
                    recovery.option,
                    describe(damage),
                    kept,
                    acknowledged.isPresent() ? ", of #" + ack + " acknowledged" : "",
                    lost > 0
                            ? "; " + lost + " updates (messages, heads, cursors, leases) after the damage dropped"
                            : "");
        }
        return opened;
    }

    private Opened openWith(WALRecoveryMode mode) throws RocksDBException {
        options.setWalRecoveryMode(mode);
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db = RocksDB.open(options, dir.path().toString(), descriptors, handles);
        return new Opened(db, handles);
    }

    /** The last update a replay in {@code mode} recovers; reads only. */
    private long latestReadOnly(WALRecoveryMode mode) throws RocksDBException {
        options.setWalRecoveryMode(mode);
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (RocksDB db = RocksDB.openReadOnly(options, dir.path().toString(), descriptors, handles)) {
            long latest = db.getLatestSequenceNumber();
            handles.forEach(ColumnFamilyHandle::close);
            return latest;
        }
    }

    /** {@link #latestReadOnly}, failing with the first attempt's error if even that cannot open. */
    private long measure(WALRecoveryMode mode, RocksDBException first, List<String> damage) {
        try {
            long latest = latestReadOnly(mode);
            rocksLog.collected();
            return latest;
        } catch (RocksDBException e) {
            throw new StoreException(
                    "cannot open the embedded store in " + dir + ": " + first.getMessage()
                            + (damage.isEmpty() ? "" : " (RocksDB: " + describe(damage) + ")"),
                    first);
        }
    }

    private StoreException damaged(List<String> damage, OptionalLong acknowledged, long intactStart, long intactAny) {
        String loss = acknowledged.isPresent()
                ? "updates up to #" + acknowledged.getAsLong() + " were fsynced and acknowledged, but the log holds"
                        + " them intact only up to #" + intactStart + ", so opening would lose "
                        + (acknowledged.getAsLong() - intactStart)
                        + " acknowledged updates (messages, heads, cursors, leases)"
                : "the store has no record of what was acknowledged (its " + SyncedMark.FILE + " file is missing),"
                        + " so what the damage holds may have been acknowledged";
        return new StoreException("the embedded store in " + dir + " is damaged: RocksDB finds its write-ahead log"
                + " damaged (" + describe(damage) + "); " + loss
                + ". It is not opened. Restore the directory from a copy, or accept the loss with the"
                + " store URL option ?recover=" + Recovery.POINT_IN_TIME.option + " (keeps the " + intactStart
                + " updates before the damage) or ?recover=" + Recovery.SKIP_CORRUPTED.option
                + " (keeps every intact record, updates up to #" + intactAny + ")");
    }

    /** "000004.log: dropping 496 bytes (Corruption: truncated record body), ..." from RocksDB's lines. */
    private String describe(List<String> damage) {
        if (damage.isEmpty()) {
            return "no details";
        }
        String prefix = dir.path() + java.io.File.separator;
        return damage.stream()
                .map(l -> l.replace("(ignoring error) ", "").replace(prefix, ""))
                .map(l -> l.contains("; ") ? l.replaceFirst("; ", " (") + ")" : l)
                .collect(Collectors.joining(", "));
    }

    private static boolean isCorruption(RocksDBException e) {
        return e.getStatus() != null && e.getStatus().getCode() == Status.Code.Corruption;
    }
}
