package dev.vggstream.corpus;

import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Inputs {@link DecodeFuzzTest} found slow (seed 20261127, cases 391638 and 1970254; kept under
 * vggstream-tools/src/test/resources/corpus/fuzz-found). A mutated frame header made a tiny file declare thousands of rows, so the
 * JDK decoded pass after pass of nothing after its data had already gone bad: the first ran into the 1 s decode
 * timeout, the second took 0.6 s to be refused. Both are now refused at the decoder's first warning of broken data.
 */
class FuzzFoundRegressionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            arithmetic_progressive_bad_code.jpg | CORRUPT   | Corrupt JPEG data: bad arithmetic code
            progressive_cmyk_premature_end.jpg  | TRUNCATED | Corrupt JPEG data: premature end of data segment
            """)
    void isRefusedAtItsFirstWarningOfBrokenDataInsteadOfDecodingEveryRemainingPass(String file,
                                                                                   ImageException.Reason reason,
                                                                                   String message) {
        byte[] jpeg = CorpusFiles.bytes("fuzz-found", file);
        ImageDecoder decoder = new ImageDecoder(CorpusFiles.serviceLimits().withDecodeTimeoutMs(1_000));
        catchThrowableOfType(ImageException.class, () -> decoder.decode(jpeg)); // readers loaded, code compiled
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu = mx.getCurrentThreadCpuTime();
        ImageException e = catchThrowableOfType(ImageException.class, () -> decoder.decode(jpeg));
        long cpuMs = (mx.getCurrentThreadCpuTime() - cpu) / 1_000_000;
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).contains(message);
        assertThat(cpuMs).as("CPU milliseconds spent refusing it").isLessThan(300);
    }

    /**
     * Seed 1795833232408, cases 108479, 138801 and 173297: a JPEG with an ICC profile and a mutated byte that made
     * a second SOI marker. The header check skipped it as a marker without a length, the ICC-stripping copy read
     * it as a segment with a 64 KB length and ran off the end of the array (IndexOutOfBoundsException escaped).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"icc-walk-108479.jpg", "icc-walk-138801.jpg", "icc-walk-173297.jpg"})
    void aJpegWhoseSegmentsTheIccStripperCannotWalkEndsAsAnImageErrorOrAnImage(String file) {
        byte[] jpeg = CorpusFiles.bytes("fuzz-found", file);
        ImageDecoder decoder = new ImageDecoder(CorpusFiles.serviceLimits());
        Throwable t = catchThrowable(() -> decoder.decode(jpeg));
        assertThat(t).as("anything thrown is an ImageException with a reason").satisfiesAnyOf(
                x -> assertThat(x).isNull(),
                x -> assertThat(x).isInstanceOf(ImageException.class));
    }
}
