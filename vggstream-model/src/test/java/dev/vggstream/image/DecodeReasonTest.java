package dev.vggstream.image;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A file cut off is TRUNCATED; a file whose data is damaged is CORRUPT, whatever words the decoder uses. */
class DecodeReasonTest {

    @ParameterizedTest(name = "{0} -> cut off: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Corrupt JPEG data: premature end of data segment       | false
            Corrupt JPEG data: 12 extraneous bytes before marker 0xd9 | false
            Corrupt JPEG data: bad arithmetic code                  | false
            Premature end of JPEG file                              | true
            Truncated File - Missing EOI marker                     | true
            Error reading PNG image data: Unexpected end of ZLIB input stream | true
            """)
    void onlyAFileThatEndsTooSoonIsTruncated(String message, boolean cutOff) {
        assertThat(ImageDecoder.meansCutOff(message)).isEqualTo(cutOff);
    }
}
