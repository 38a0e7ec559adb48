package io.pub.tck;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs a test once on a queue and once on a topic; the test takes a {@link Kind} argument. */
@Retention(RetentionPolicy.RUNTIME)
@java.lang.annotation.Target(ElementType.METHOD)
@ParameterizedTest(name = "{0}")
@EnumSource(Kind.class)
public @interface OnQueueAndTopic {}
