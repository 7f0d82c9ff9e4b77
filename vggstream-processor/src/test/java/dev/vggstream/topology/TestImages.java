package dev.vggstream.topology;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Small real images whose red channel identifies them, so a result can be traced to its image. */
public final class TestImages {

    private TestImages() {
    }

    /** A uniform image of the given red value, encoded as PNG or JPEG. */
    public static byte[] solid(int red, int side, String format) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                img.setRGB(x, y, (red & 0xff) << 16 | 0x4080);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] png(int red) {
        return solid(red, 16, "png");
    }
}
