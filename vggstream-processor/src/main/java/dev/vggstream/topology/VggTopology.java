package dev.vggstream.topology;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.Map;

/**
 * The processor topology: images in, one classification or one dead letter out per image.
 *
 * <pre>
 *   [input topic] -> classify (+ image-buffer store, changelogged) -> [output topic]
 *                                                                  -> [dead-letter topic]
 * </pre>
 */
public final class VggTopology {

    public static final String SOURCE = "images-source";
    public static final String PROCESSOR = "classify";
    public static final String OUTPUT_SINK = "classifications-sink";
    public static final String DEAD_LETTER_SINK = "dead-letters-sink";
    public static final String BUFFER_STORE = "image-buffer";

    private VggTopology() {
    }

    /**
     * @param changelogConfig topic configs for the buffer's changelog, e.g. {@code max.message.bytes} large enough
     *                        for the largest image accepted
     */
    public static Topology build(Topics topics, ProcessorSettings settings, Map<String, String> changelogConfig) {
        Topology t = new Topology();
        t.addSource(SOURCE, Topics.KEY_SERDE.deserializer(), Topics.INPUT_VALUE_SERDE.deserializer(), topics.input());
        t.addProcessor(PROCESSOR, () -> new ClassifyProcessor(settings), SOURCE);
        t.addStateStore(bufferStore(changelogConfig), PROCESSOR);
        t.addSink(OUTPUT_SINK, topics.output(), Topics.KEY_SERDE.serializer(),
                Topics.OUTPUT_VALUE_SERDE.serializer(), PROCESSOR);
        t.addSink(DEAD_LETTER_SINK, topics.deadLetters(), Topics.KEY_SERDE.serializer(),
                Topics.DEAD_LETTER_VALUE_SERDE.serializer(), PROCESSOR);
        return t;
    }

    /**
     * The buffer lives in memory (it is small: at most the images in flight) and is logged to a changelog topic,
     * which is what makes it survive a crash; no RocksDB is needed.
     */
    static StoreBuilder<KeyValueStore<Long, BufferedRecord>> bufferStore(Map<String, String> changelogConfig) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(BUFFER_STORE), Serdes.Long(),
                        new BufferedRecord.Serde())
                .withLoggingEnabled(changelogConfig)
                .withCachingDisabled();
    }
}
