package io.pub.jms;

import jakarta.jms.ConnectionMetaData;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/** Jakarta Messaging 3.1, provider Pub, and the JMSX properties Pub sets or honours. */
final class PubConnectionMetaData implements ConnectionMetaData {
    static final String PROVIDER_VERSION = "0.1.0";

    @Override
    public String getJMSVersion() {
        return "3.1";
    }

    @Override
    public int getJMSMajorVersion() {
        return 3;
    }

    @Override
    public int getJMSMinorVersion() {
        return 1;
    }

    @Override
    public String getJMSProviderName() {
        return "Pub";
    }

    @Override
    public String getProviderVersion() {
        return PROVIDER_VERSION;
    }

    @Override
    public int getProviderMajorVersion() {
        return 0;
    }

    @Override
    public int getProviderMinorVersion() {
        return 1;
    }

    @Override
    public Enumeration<String> getJMSXPropertyNames() {
        return Collections.enumeration(
                List.of(JmsHeaders.JMSX_DELIVERY_COUNT, JmsHeaders.JMSX_GROUP_ID, JmsHeaders.JMSX_GROUP_SEQ));
    }
}
