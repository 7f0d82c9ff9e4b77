package dev.vggstream.corpus;

import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImageException.Reason;
import dev.vggstream.image.ImageHeader;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.service.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code image.decode-timeout-ms} bounds one decode, also for valid files built to be slow: progressive JPEGs with
 * the longest scan script the standard allows (883 scans per component, a few bytes each), which the JDK decodes as
 * one full output pass per scan. Pillow decodes them at once (tools/corpus checks it); unbounded, the JDK takes
 * about half a minute on the 40 KB one.
 */
class DecodeTimeoutTest {

    static final String YCC = "slow_progressive_ycc_1024.jpg";
    static final String CMYK = "slow_progressive_cmyk_512.jpg";

    static {
        // reader classes and natives are loaded once per JVM; that is not what the timeout is for
        try {
            new ImageDecoder(ImageLimits.DEFAULT).decode(CorpusFiles.bytes("valid", "cmyk.jpg"));
            new ImageDecoder(ImageLimits.DEFAULT).decode(CorpusFiles.bytes("valid", "progressive.jpg"));
        } catch (ImageException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {YCC, CMYK})
    void aDecodeRunningPastTheTimeoutIsStoppedPromptlyAndRefusedAsTimeout(String file) throws Exception {
        byte[] jpeg = CorpusFiles.bytes("hostile", file);
        ImageHeader h = ImageHeader.read(jpeg);
        assertThat(h.components()).as("the CMYK one goes through TwelveMonkeys").isIn(3, 4);
        ImageDecoder decoder = new ImageDecoder(CorpusFiles.serviceLimits().withDecodeTimeoutMs(300));
        long start = System.nanoTime();
        ImageException e = catchThrowableOfType(ImageException.class, () -> decoder.decode(jpeg));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.getMessage()).isEqualTo(
                "decoding took longer than 300 ms (image.decode-timeout-ms) and was stopped");
        // stopped within a few rows of the deadline; the slack is for a loaded machine, not for the decoder
        assertThat(ms).isBetween(300L, 1_300L);
    }

    @Test
    void theDecodeRunsUntilTheBoundWhateverItIsSoWithoutOneThisFileWouldTakeLonger() throws Exception {
        byte[] jpeg = CorpusFiles.bytes("hostile", YCC);
        ImageDecoder decoder = new ImageDecoder(CorpusFiles.serviceLimits().withDecodeTimeoutMs(1_500));
        long start = System.nanoTime();
        ImageException e = catchThrowableOfType(ImageException.class, () -> decoder.decode(jpeg));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(ms).isGreaterThanOrEqualTo(1_500L);
    }

    @Test
    void aDecoderThatTimedOutDecodesTheNextImageNormally() throws Exception {
        ImageDecoder decoder = new ImageDecoder(CorpusFiles.serviceLimits().withDecodeTimeoutMs(200));
        assertThat(catchThrowableOfType(ImageException.class,
                () -> decoder.decode(CorpusFiles.bytes("hostile", YCC))).reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(decoder.decode(CorpusFiles.bytes("valid", "progressive.jpg")).width()).isEqualTo(48);
        assertThat(decoder.decode(CorpusFiles.bytes("valid", "cmyk_progressive.jpg")).width()).isEqualTo(48);
    }

    @Test
    void theServiceTakesTheTimeoutFromImageDecodeTimeoutMsWithADefaultOfTwoSeconds() {
        assertThat(Settings.imageLimits(CorpusFiles.config(Map.of())).decodeTimeoutMs()).isEqualTo(2_000);
        assertThat(Settings.imageLimits(CorpusFiles.config(Map.of("image.decode-timeout-ms", "750")))
                .decodeTimeoutMs()).isEqualTo(750);
        assertThat(ImageLimits.DEFAULT.decodeTimeoutMs()).isEqualTo(ImageLimits.DEFAULT_DECODE_TIMEOUT_MS);
    }

    @Test
    void theServiceRefusesImagesWithASideUnderEightPixelsWhereTheLibraryDefaultAcceptsOne() throws Exception {
        byte[] tiny = CorpusFiles.bytes("invalid", "one_by_one.png");
        assertThat(catchThrowableOfType(ImageException.class,
                () -> new ImageDecoder(CorpusFiles.serviceLimits()).decode(tiny)).reason()).isEqualTo(Reason.TOO_SMALL);
        assertThat(ImageLimits.DEFAULT.minSide()).isEqualTo(1);
        assertThat(new ImageDecoder(ImageLimits.DEFAULT).decode(tiny).width()).isEqualTo(1);
    }
}
