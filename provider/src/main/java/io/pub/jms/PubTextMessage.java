package io.pub.jms;

import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;

/** A message whose body is a String, stored as UTF-8. */
final class PubTextMessage extends PubMessage implements TextMessage {
    private String text;

    PubTextMessage() {}

    PubTextMessage(String text) {
        this.text = text;
    }

    @Override
    public void setText(String text) throws JMSException {
        checkBodyWritable();
        this.text = text;
    }

    @Override
    public String getText() {
        return text;
    }

    @Override
    String bodyKind() {
        return JmsHeaders.BODY_TEXT;
    }

    @Override
    byte[] encodeBody() {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    void decodeBody(byte[] body, boolean nullBody) {
        text = nullBody ? null : new String(body, StandardCharsets.UTF_8);
    }

    @Override
    boolean hasNoBody() {
        return text == null;
    }

    @Override
    Object bodyValue() {
        return text;
    }

    @Override
    void clearBodyContent() {
        text = null;
    }
}
