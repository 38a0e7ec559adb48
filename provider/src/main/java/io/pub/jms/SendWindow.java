package io.pub.jms;

import java.util.Map;

/**
 * The producer window of a session's async sends: how many, and how many bytes, may be on their way
 * (sent, CompletionListener not yet returned) before the next send blocks. Without it a loop of
 * async sends outruns the store and piles up messages until the heap runs out. Bytes are estimated
 * from the stored form (body, headers and properties); the application's own message object roughly
 * doubles what the heap holds.
 */
record SendWindow(int messages, long bytes) {
    static final int DEFAULT_MESSAGES = 4096;
    static final long DEFAULT_BYTES = 8L * 1024 * 1024;

    SendWindow {
        if (messages < 1) {
            throw new IllegalArgumentException("asyncSendWindow must be >= 1, was " + messages);
        }
        if (bytes < 1024) {
            throw new IllegalArgumentException("asyncSendWindowBytes must be >= 1024, was " + bytes);
        }
    }

    /** True if one more send of {@code size} bytes fits beside {@code count} sends holding {@code held}. */
    boolean fits(int count, long held, long size) {
        return count < messages && held + size <= bytes;
    }

    /** The estimated size of a stored message: its body, and its strings at two bytes a character. */
    static long sizeOf(io.pub.Message m) {
        long n = 128L + m.body().length;
        for (Map.Entry<String, String> h : m.headers().entrySet()) {
            n += 2L
                            * (h.getKey().length()
                                    + (h.getValue() == null ? 0 : h.getValue().length()))
                    + 32;
        }
        for (Map.Entry<String, Object> p : m.properties().entrySet()) {
            Object v = p.getValue();
            n += 2L * p.getKey().length() + (v instanceof String s ? 2L * s.length() : 16) + 32;
        }
        return n;
    }
}
