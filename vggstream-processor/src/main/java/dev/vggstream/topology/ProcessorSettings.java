package dev.vggstream.topology;

import dev.vggstream.batch.BatchDispatcher;
import dev.vggstream.event.EventParser;

/**
 * What the classify processor needs, shared by all its tasks.
 *
 * @param punctuateIntervalMs how often (wall clock) a task forwards finished results when no record arrives
 */
public record ProcessorSettings(BatchDispatcher dispatcher, EventParser parser, int topK, long punctuateIntervalMs,
                                OutcomeListener listener, BufferMode bufferMode, SourceReader sourceReader) {

    /** Copies in the buffer: nothing to read back (tests, and the {@code copy} buffer). */
    public ProcessorSettings(BatchDispatcher dispatcher, EventParser parser, int topK, long punctuateIntervalMs,
                             OutcomeListener listener) {
        this(dispatcher, parser, topK, punctuateIntervalMs, listener, BufferMode.COPY, SourceReader.NONE);
    }

    public ProcessorSettings {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1");
        }
        if (punctuateIntervalMs < 1) {
            throw new IllegalArgumentException("punctuate interval must be at least 1 ms");
        }
        listener = listener == null ? OutcomeListener.NONE : listener;
        bufferMode = bufferMode == null ? BufferMode.COPY : bufferMode;
        sourceReader = sourceReader == null ? SourceReader.NONE : sourceReader;
    }
}
