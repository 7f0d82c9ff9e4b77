package dev.vggstream.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.vggstream.inference.Prediction;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@link Classification} as UTF-8 JSON. The writer and reader are built once and shared (they are immutable and
 * thread-safe), which is what keeps this cheap per record.
 *
 * <p>Reading is tolerant: unknown fields are ignored, so consumers keep working when fields are added. There is no
 * polymorphic typing anywhere: the JSON can only ever fill in these records.
 */
public final class ClassificationCodec {
    private static final ObjectWriter WRITER;
    private static final ObjectReader READER;

    static {
        JsonMapper mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .addModule(new SimpleModule("vggstream-classification")
                        .addSerializer(Prediction.class, new PredictionSerializer()))
                .build();
        WRITER = mapper.writerFor(Classification.class);
        READER = mapper.readerFor(Classification.class);
    }

    private ClassificationCodec() {
    }

    public static byte[] toJson(Classification c) {
        try {
            return WRITER.writeValueAsBytes(c);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write classification " + c.id(), e);
        }
    }

    /** @throws IllegalArgumentException if {@code json} is not a classification */
    public static Classification fromJson(byte[] json) {
        try {
            return READER.readValue(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a classification: " + e.getMessage(), e);
        }
    }

    /** For the output topic. Null maps to null both ways (a tombstone stays one). */
    public static Serde<Classification> serde() {
        return Serdes.serdeFrom(serializer(), deserializer());
    }

    public static Serializer<Classification> serializer() {
        return (topic, c) -> c == null ? null : toJson(c);
    }

    public static Deserializer<Classification> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return fromJson(bytes);
            } catch (IllegalArgumentException e) {
                throw new SerializationException("topic " + topic + ": " + e.getMessage(), e);
            }
        };
    }

    /**
     * Writes a probability that is really a float (what the model computes) as the float's shortest decimal:
     * {@code 0.8123}, not the widened double's {@code 0.8123000264167786}. Reading it back gives the nearest
     * double, which narrows to the same float.
     */
    private static final class PredictionSerializer extends StdSerializer<Prediction> {
        private static final long serialVersionUID = 1L;

        PredictionSerializer() {
            super(Prediction.class);
        }

        @Override
        public void serialize(Prediction p, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartObject();
            g.writeNumberField("index", p.index());
            g.writeStringField("label", p.label());
            g.writeFieldName("probability");
            float f = (float) p.probability();
            if (f == p.probability()) {
                g.writeNumber(f);
            } else {
                g.writeNumber(p.probability());
            }
            g.writeEndObject();
        }
    }
}
