package io.pub.embedded;

import io.pub.Stores;
import java.net.URI;
import org.rocksdb.WALRecoveryMode;

/**
 * The {@code recover} option: what an open may give up when the store's write-ahead log is damaged.
 * By default nothing acknowledged: the open fails naming the damage. The other two accept a loss
 * the operator chose, and the open logs what was dropped.
 */
enum Recovery {
    /** Fail on damage that would lose an acknowledged write (a torn unacknowledged tail is fine). */
    NONE("none", WALRecoveryMode.AbsoluteConsistency),
    /** Keep everything before the first damage, drop everything from there on. */
    POINT_IN_TIME("point-in-time", WALRecoveryMode.PointInTimeRecovery),
    /** Keep every intact record, also those after damage; drop only the damaged ones. */
    SKIP_CORRUPTED("skip-corrupted", WALRecoveryMode.SkipAnyCorruptedRecords);

    static final String CHOICES = "none, point-in-time, skip-corrupted";

    final String option;
    final WALRecoveryMode mode;

    Recovery(String option, WALRecoveryMode mode) {
        this.option = option;
        this.mode = mode;
    }

    static Recovery parse(String value, URI url) {
        for (Recovery r : values()) {
            if (r.option.equals(value)) {
                return r;
            }
        }
        throw new IllegalArgumentException(Stores.URL_SETTING + ": the embedded store option recover must be one of "
                + CHOICES + ", was '" + value + "' in '" + url + "'");
    }
}
