package io.pub.embedded;

/** The column families, one per record kind; the index is the position in the handles array. */
final class Families {
    static final int MESSAGES = 0;
    static final int OFFSETS = 1;
    static final int CURSORS = 2;
    static final int LEASES = 3;
    static final int REGISTRY = 4;
    static final String[] NAMES = {"messages", "offsets", "cursors", "leases", "registry"};

    private Families() {}
}
