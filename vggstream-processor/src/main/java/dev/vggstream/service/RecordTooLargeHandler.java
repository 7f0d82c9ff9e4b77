package dev.vggstream.service;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * A record the broker refuses as too large (a topic whose {@code max.message.bytes} is below what the processor
 * was configured for) is logged, with what to change, and skipped; it must not stop the application. Any other
 * send failure stops the stream thread as Kafka Streams does by default.
 */
public final class RecordTooLargeHandler implements ProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(RecordTooLargeHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            int size = record.value() == null ? 0 : record.value().length;
            log.error("the broker refused a {} byte record for topic {} as too large (input {}-{}@{}): skipped. "
                            + "Raise max.message.bytes of topic {} (and the broker's message.max.bytes), or lower "
                            + "image.max-bytes so such images are refused before they are buffered.", size,
                    record.topic(), context.topic(), context.partition(), context.offset(), record.topic());
            return Response.resume();
        }
        return Response.fail();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
