package dev.vggstream.metrics;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

import java.util.Iterator;

/**
 * {@code log.format}: the console appenders of logback.xml switched to Logback's own {@link JsonEncoder} (one JSON
 * object per line) once the configuration is read. Logback's encoder rather than another library: it writes what
 * log pipelines need (level, logger, message, exception) and adds no dependency.
 */
public final class LogFormat {

    private LogFormat() {
    }

    /** Applies {@code text} (leaves logback.xml's pattern) or {@code json}. */
    public static void apply(String format) {
        if (!"json".equals(format) || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out) {
                out.stop();
                out.setEncoder(json(context));
                out.start();
            }
        }
    }

    static JsonEncoder json(LoggerContext context) {
        JsonEncoder e = new JsonEncoder();
        e.setContext(context);
        // the formatted message already holds the arguments; the context block repeats itself on every line
        e.setWithArguments(false);
        e.setWithContext(false);
        e.setWithSequenceNumber(false);
        e.setWithNanoseconds(false);
        e.setWithFormattedMessage(true);
        e.start();
        return e;
    }
}
