package io.pub.chaos;

/** The store faults {@link ChaosController} injects. */
enum Fault {
    /** The call is slowed down, then made. */
    LATENCY,
    /** The call waits, then fails without reaching the store (a request lost on the way). */
    TIMEOUT,
    /** The call fails at once without reaching the store. */
    FAIL,
    /** A call on many records applies to the first part only, then fails (a batch cut short). */
    PARTIAL,
    /** The call is made, then fails anyway (the reply was lost): the caller cannot tell it happened. */
    LOST_REPLY;

    /** Faults that delay the calling thread (and whatever that thread would have done next). */
    boolean delays() {
        return this == LATENCY || this == TIMEOUT;
    }
}
