package dev.vggstream.topology;

import dev.vggstream.event.InputRecord;

import java.util.Map;
import java.util.SortedSet;

/** Reads input records back from their topic by offset, to restore a buffer that holds references. */
public interface SourceReader {

    /** No reading back: for buffers that hold copies (and tests that never restore). */
    SourceReader NONE = (topic, partition, offsets) -> {
        throw new IllegalStateException("this processor cannot read records back from " + topic + "-" + partition);
    };

    /**
     * The records at {@code offsets} of one partition that still exist; an offset missing from the result is no
     * longer in the topic (retention or compaction removed it).
     */
    Map<Long, InputRecord> read(String topic, int partition, SortedSet<Long> offsets);
}
