package dev.vggstream.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Why the bar is not a library's: on a non-terminal it must write no control characters to the stream (it logs a
 * plain line every few seconds instead) and stay quiet for quick work. A library bar measured against this
 * (me.tongfei:progressbar 0.10.2) wrote carriage returns and ANSI colours to a file by default, and with its
 * line-per-update consumer printed three lines for a 0.3 s job.
 */
class ProgressTest {

    final AtomicLong now = new AtomicLong();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void onANonTerminalNothingIsWrittenToTheStreamWhateverTheWorkTakes() {
        try (Progress p = new Progress("predict", 100, "images", false, out, now::get)) {
            for (int i = 0; i < 100; i++) {
                now.addAndGet(TimeUnit.SECONDS.toNanos(1));
                p.advance(1);
            }
        }

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlaceAndEndsItsLineOnClose() {
        try (Progress p = new Progress("predict", 4, "images", true, out, now::get)) {
            for (int i = 0; i < 4; i++) {
                now.addAndGet(TimeUnit.SECONDS.toNanos(1));
                p.advance(1);
            }
        }

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("\rpredict [").endsWith(System.lineSeparator()).doesNotContain("\u001b");
        assertThat(text.chars().filter(c -> c == '\r').count()).isEqualTo(5);
        assertThat(text).contains("100% 4/4 images");
    }
}
