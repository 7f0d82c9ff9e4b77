package dev.vggstream.image;

/**
 * One thread's buffer for decoded pixels that are used up before the thread decodes again: otherwise a 224 px image
 * is 150 KB, and a 640x480 frame 900 KB, to allocate, zero and collect per image. Measured on one thread, decode and
 * prepare for a 32 px model: 2-3% faster (440 to 430 µs for 224 px, 1920 to 1860 µs for 640x480) and the young
 * collections gone. Not thread-safe: one per thread.
 */
final class PixelScratch {

    /** Larger images (above 1080p, 6.2 MB) are rare enough to allocate, and not worth keeping per thread. */
    static final int MAX_BYTES = 8 << 20;

    private byte[] bytes = new byte[0];

    /** A buffer of at least {@code size} bytes, holding garbage; the previous one's contents are gone. */
    byte[] take(int size) {
        if (size > MAX_BYTES) {
            return new byte[size];
        }
        if (bytes.length < size) {
            bytes = new byte[size];
        }
        return bytes;
    }
}
