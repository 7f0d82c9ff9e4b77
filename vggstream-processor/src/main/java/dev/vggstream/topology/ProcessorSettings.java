package dev.vggstream.topology;

import dev.vggstream.batch.BatchDispatcher;
import dev.vggstream.batch.DecodePool;
import dev.vggstream.event.EventParser;
import dev.vggstream.event.OutputFormat;

/**
 * What the classify processor needs, shared by all its tasks.
 *
 * @param punctuateIntervalMs how often (wall clock) a task forwards finished results when no record arrives
 * @param output              how results and dead letters are labelled (plain JSON or CloudEvents)
 * @param decodePool          where images are decoded and prepared; null: on the stream thread
 *                            ({@code image.decode-threads=0})
 */
public record ProcessorSettings(BatchDispatcher dispatcher, EventParser parser, int topK, long punctuateIntervalMs,
                                OutcomeListener listener, BufferMode bufferMode, SourceReader sourceReader,
                                OutputFormat output, DecodePool decodePool) {

    /** Copies in the buffer: nothing to read back (tests, and the {@code copy} buffer). */
    public ProcessorSettings(BatchDispatcher dispatcher, EventParser parser, int topK, long punctuateIntervalMs,
                             OutcomeListener listener) {
        this(dispatcher, parser, topK, punctuateIntervalMs, listener, BufferMode.COPY, SourceReader.NONE,
                OutputFormat.PLAIN, null);
    }

    /** A copy writing {@code format}. */
    public ProcessorSettings withOutput(OutputFormat format) {
        return new ProcessorSettings(dispatcher, parser, topK, punctuateIntervalMs, listener, bufferMode,
                sourceReader, format, decodePool);
    }

    /** A copy preparing images in {@code pool} (null: on the stream thread). */
    public ProcessorSettings withDecodePool(DecodePool pool) {
        return new ProcessorSettings(dispatcher, parser, topK, punctuateIntervalMs, listener, bufferMode,
                sourceReader, output, pool);
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
        output = output == null ? OutputFormat.PLAIN : output;
    }
}
