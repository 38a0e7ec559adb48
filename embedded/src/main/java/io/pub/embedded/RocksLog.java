package io.pub.embedded;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.InfoLogLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RocksDB's warnings and errors, sent to SLF4J instead of a LOG file inside the store directory
 * that nobody reads. While a store opens they are collected instead: the open reports the records
 * RocksDB dropped from a damaged log together with what it decided.
 */
final class RocksLog extends org.rocksdb.Logger {
    private static final Logger log = LoggerFactory.getLogger("io.pub.embedded.rocksdb");

    private final String directory;
    private List<String> collected; // guarded by this; null: forward to SLF4J

    RocksLog(String directory) {
        super(InfoLogLevel.WARN_LEVEL);
        this.directory = directory;
    }

    @Override
    protected void log(InfoLogLevel level, String message) {
        // "[/db_impl/db_impl_open.cc:1108] /dir/000004.log: dropping 496 bytes; ..." -> without the source position
        String line = message.replaceFirst("^\\[[^\\]]*\\] ", "").strip();
        synchronized (this) {
            if (collected != null) {
                collected.add(line);
                return;
            }
        }
        if (level == InfoLogLevel.ERROR_LEVEL || level == InfoLogLevel.FATAL_LEVEL) {
            log.error("RocksDB, embedded store {}: {}", directory, line);
        } else {
            log.warn("RocksDB, embedded store {}: {}", directory, line);
        }
    }

    /** From now on lines are collected, not logged. */
    synchronized void collect() {
        collected = new ArrayList<>();
    }

    /** The lines collected since {@link #collect()}, which restarts collecting. */
    synchronized List<String> collected() {
        List<String> out = collected == null ? List.of() : collected;
        collected = new ArrayList<>();
        return out;
    }

    /** Stops collecting: lines go to SLF4J again. */
    synchronized void forward() {
        collected = null;
    }

    /** The lines that say what RocksDB dropped from a log ("000004.log: dropping 496 bytes; ..."). */
    static List<String> drops(List<String> lines) {
        return lines.stream().filter(l -> l.contains(": dropping ")).toList();
    }
}
