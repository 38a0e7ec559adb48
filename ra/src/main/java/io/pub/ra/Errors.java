package io.pub.ra;

import jakarta.jms.JMSException;
import jakarta.resource.ResourceException;

final class Errors {
    private Errors() {}

    static ResourceException resource(String message, Throwable cause) {
        String detail = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return new ResourceException(message + ": " + detail, cause);
    }

    static JMSException jms(String message, Throwable cause) {
        JMSException e = new JMSException(message + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        e.initCause(cause);
        if (cause instanceof Exception ex) {
            e.setLinkedException(ex);
        }
        return e;
    }
}
