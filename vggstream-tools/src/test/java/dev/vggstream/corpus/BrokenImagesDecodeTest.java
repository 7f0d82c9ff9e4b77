package dev.vggstream.corpus;

import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImageException.Reason;
import dev.vggstream.image.ImageHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every broken corpus image is refused by the decoder with a precise reason and a message naming the problem. */
class BrokenImagesDecodeTest {

    final ImageDecoder decoder = new ImageDecoder(CorpusFiles.serviceLimits());

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            truncated.jpg               | TRUNCATED          | Missing EOI marker
            truncated_header.jpg        | TRUNCATED          | JPEG ends inside a 0xc4 segment
            corrupt_entropy.jpg         | CORRUPT            | Corrupt JPEG data
            no_frame_header.jpg         | CORRUPT            | no frame header (SOF)
            bad_crc.png                 | CORRUPT            | PNG chunk IDAT at byte 33 has a bad CRC
            truncated.png               | TRUNCATED          | PNG ends inside its IDAT chunk
            no_iend.png                 | TRUNCATED          | PNG ends before its IEND chunk
            short_image_data.png        | TRUNCATED          | Error reading PNG image data
            bad_zlib.png                | CORRUPT            | Error reading PNG image data: invalid
            zero_width.png              | CORRUPT            | PNG declares a size of 0x32
            bomb_30000x30000.png        | TOO_MANY_PIXELS    | 30000x30000 = 900000000 pixels, over the limit of 40000000
            bomb_65000x65000.jpg        | TOO_MANY_PIXELS    | 65000x65000 = 4225000000 pixels
            underfilled_6000x6000.jpg   | TRUNCATED          | declares 6000x6000 but holds 3697 bytes of image data
            underfilled_6000x6000.png   | TRUNCATED          | declares 6000x6000 but holds 302 bytes of image data
            one_by_one.png              | TOO_SMALL          | image of 1x1 is smaller than 8 px on a side
            one_by_one.jpg              | TOO_SMALL          | image of 1x1 is smaller than 8 px on a side
            thin_4x200.png              | TOO_SMALL          | image of 4x200 is smaller than 8 px on a side
            gif.gif                     | UNSUPPORTED_FORMAT | image/gif is not supported
            bmp.bmp                     | UNSUPPORTED_FORMAT | image/bmp is not supported
            webp_header.webp            | UNSUPPORTED_FORMAT | image/webp is not supported
            archive.zip                 | UNSUPPORTED_FORMAT | not a JPEG or PNG image (first bytes 504b0304
            document.pdf                | UNSUPPORTED_FORMAT | not a JPEG or PNG image (first bytes 255044462d
            text.txt                    | UNSUPPORTED_FORMAT | not a JPEG or PNG image
            binary_noise.bin            | UNSUPPORTED_FORMAT | not a JPEG or PNG image
            """)
    void isRefusedWithItsReasonAndAMessageNamingTheProblem(String file, Reason reason, String message) {
        ImageException e = catchThrowableOfType(ImageException.class,
                () -> decoder.decode(CorpusFiles.bytes("invalid", file)));
        assertThat(e).as(file).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).contains(message);
    }

    @Test
    void theInvalidDirectoryHoldsExactlyTheFilesOfTheTableAbove() throws Exception {
        Set<String> listed = CorpusFiles.entries("invalid").stream().map(f -> f.get("file").asText())
                .collect(Collectors.toSet());
        String table = getClass().getDeclaredMethod("isRefusedWithItsReasonAndAMessageNamingTheProblem", String.class,
                Reason.class, String.class).getAnnotation(CsvSource.class).textBlock();
        Set<String> inTable = table.lines().filter(l -> !l.isBlank()).map(l -> l.split("\\|")[0].strip())
                .collect(Collectors.toSet());
        assertThat(inTable).isEqualTo(listed);
    }

    @Test
    void aPngDeclaring30000x30000IsRefusedByItsHeaderBeforeAnyPixelIsAllocated() throws Exception {
        byte[] bomb = CorpusFiles.bytes("invalid", "bomb_30000x30000.png");
        assertThat(bomb.length).isLessThan(1000);
        ImageHeader h = ImageHeader.read(bomb);
        assertThat(h.pixels()).isEqualTo(900_000_000L); // 2.7 GB as 8-bit RGB
        UnusualImagesDecodeTest.allocatedBy(() -> decoder.decode(bomb)); // class loading is not the image's cost
        long start = System.nanoTime();
        long allocated = UnusualImagesDecodeTest.allocatedBy(() -> decoder.decode(bomb));
        long micros = (System.nanoTime() - start) / 1000;
        assertThat(allocated).as("bytes allocated refusing it").isLessThan(256 << 10);
        assertThat(micros).as("microseconds spent refusing it").isLessThan(100_000);
        assertThat(catchThrowableOfType(ImageException.class, () -> decoder.decode(bomb)).reason())
                .isEqualTo(Reason.TOO_MANY_PIXELS);
    }

    @Test
    void aFewKilobytesDeclaringAPictureWithinThePixelLimitAreRefusedBeforeTheDecoderAllocatesIt() throws Exception {
        for (String file : new String[] {"underfilled_6000x6000.jpg", "underfilled_6000x6000.png"}) {
            byte[] data = CorpusFiles.bytes("invalid", file);
            assertThat(ImageHeader.read(data).pixels()).isLessThanOrEqualTo(decoder.limits().maxPixels());
            UnusualImagesDecodeTest.allocatedBy(() -> decoder.decode(data)); // class loading is not the image's cost
            long allocated = UnusualImagesDecodeTest.allocatedBy(() -> decoder.decode(data));
            // decoding would have allocated 6000 x 6000 x 3 bytes twice over (the image, then its RGB copy)
            assertThat(allocated).as(file).isLessThan(256 << 10);
        }
    }
}
