package io.pub.jms;

/** What a session of an XASession asks its XAResource: is a transaction branch associated now? */
interface XaAssociation {
    boolean inBranch();
}
