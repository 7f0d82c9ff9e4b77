package dev.vggstream.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress of long CLI work: a redrawn bar with rate and ETA on a terminal, a plain log line every few seconds
 * otherwise (CI logs and pipes get readable lines, not carriage returns). Thread-safe.
 */
public final class Progress implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Progress.class);
    private static final long BAR_REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int BAR_WIDTH = 28;

    private final String task;
    private final String unit;
    private final long total;
    private final boolean terminal;
    private final PrintStream out;
    private final LongSupplier clock;
    private final long started;
    private long done;
    private long lastDraw;
    private boolean closed;

    Progress(String task, long total, String unit, boolean terminal, PrintStream out, LongSupplier clock) {
        this.task = task;
        this.total = total;
        this.unit = unit;
        this.terminal = terminal;
        this.out = out;
        this.clock = clock;
        this.started = clock.getAsLong();
        this.lastDraw = terminal ? started - BAR_REDRAW_NANOS : started;
    }

    /** Progress for {@code total} units ({@code total <= 0}: unknown), drawn on stderr when it is a terminal. */
    public static Progress start(String task, long total, String unit) {
        return new Progress(task, total, unit, isTerminal(), System.err, System::nanoTime);
    }

    /** Whether a person is watching: the JVM has a console (stdin and stdout are terminals), unless disabled. */
    public static boolean isTerminal() {
        String forced = System.getenv("VGGSTREAM_PROGRESS");
        if (forced != null) {
            return forced.equalsIgnoreCase("bar");
        }
        return System.console() != null;
    }

    public synchronized void advance(long n) {
        set(done + n);
    }

    public synchronized void set(long value) {
        done = value;
        long now = clock.getAsLong();
        if (terminal && now - lastDraw >= BAR_REDRAW_NANOS) {
            out.print('\r' + line(now));
            out.flush();
            lastDraw = now;
        } else if (!terminal && now - lastDraw >= LOG_EVERY_NANOS) {
            log.info("{}", line(now));
            lastDraw = now;
        }
    }

    public synchronized long done() {
        return done;
    }

    /** The text drawn for the current state, e.g. {@code building [#####   ] 45% 9/20 layers 3.1 layers/s ETA 0:04}. */
    synchronized String line(long now) {
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / seconds;
        StringBuilder s = new StringBuilder(task).append(' ');
        if (total > 0) {
            double f = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(f * BAR_WIDTH);
            s.append('[').append("#".repeat(filled)).append(" ".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%% %d/%d %s", Math.round(f * 100), done, total, unit));
        } else {
            s.append(done).append(' ').append(unit);
        }
        s.append(String.format(Locale.ROOT, " %.1f %s/s", rate, unit));
        if (total > 0 && done < total && rate > 0) {
            s.append(" ETA ").append(clockText((long) ((total - done) / rate)));
        } else {
            s.append(" elapsed ").append(clockText((long) seconds));
        }
        return s.toString();
    }

    static String clockText(long seconds) {
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long sec = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long now = clock.getAsLong();
        String last = line(now);
        if (terminal) {
            out.print('\r' + last + System.lineSeparator());
            out.flush();
        } else if (now - started >= LOG_EVERY_NANOS / 2) {
            // a summary line for work long enough to have been worth following; quick jobs stay quiet
            log.info("{}", last);
        }
    }
}
