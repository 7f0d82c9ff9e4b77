package dev.vggstream.kafka;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests a real Kafka broker.
 *
 * <p>Most tests share ONE broker per test JVM, started on first use: starting a broker costs seconds,
 * and tests that use their own topic names do not disturb each other. Get it with
 * {@link #sharedBroker()} / {@link #bootstrapServers()}, or by declaring a {@link LocalKafkaBroker}
 * parameter in a class that uses {@code @ExtendWith(KafkaBrokerExtension.class)}. It is stopped when
 * the test run ends (root store) or, at the latest, by its JVM shutdown hook.
 *
 * <p>A test that kills, stops or restarts its broker must not do that to everyone else's: it declares
 * {@code @Dedicated LocalKafkaBroker broker} and gets a fresh broker that is closed after the test.
 * Tests needing special options (SASL, a kept data directory) build their own with
 * {@link LocalKafkaBroker#builder()} in try-with-resources.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

    /** The shared broker's message.max.bytes: big enough for full-size images, small enough to test the limit. */
    public static final int SHARED_MESSAGE_MAX_BYTES = 8 * 1024 * 1024;

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    private static LocalKafkaBroker shared;

    /** Marks a {@link LocalKafkaBroker} parameter that must be a broker of its own, closed after the test. */
    @Target(ElementType.PARAMETER)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Dedicated {
    }

    /** The broker shared by the whole test JVM, started on the first call. */
    public static synchronized LocalKafkaBroker sharedBroker() {
        if (shared == null) {
            shared = LocalKafkaBroker.builder().messageMaxBytes(SHARED_MESSAGE_MAX_BYTES).start();
        }
        return shared;
    }

    public static String bootstrapServers() {
        return sharedBroker().bootstrapServers();
    }

    /** A started broker of the caller's own; the caller closes it. */
    public static LocalKafkaBroker dedicatedBroker() {
        return LocalKafkaBroker.builder().start();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // closed when the whole run ends, not after this class: the next class reuses the broker
        context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedBrokerCloser.class, key -> new SharedBrokerCloser(), SharedBrokerCloser.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (!parameterContext.isAnnotated(Dedicated.class)) {
            return sharedBroker();
        }
        LocalKafkaBroker dedicated = dedicatedBroker();
        // the store closes AutoCloseable values when the test (or class, for constructor parameters) ends
        extensionContext.getStore(NAMESPACE).put(new Object(), (AutoCloseable) dedicated::close);
        return dedicated;
    }

    private static final class SharedBrokerCloser implements AutoCloseable {

        @Override
        public void close() {
            synchronized (KafkaBrokerExtension.class) {
                if (shared != null) {
                    shared.close();
                    shared = null;
                }
            }
        }
    }
}
