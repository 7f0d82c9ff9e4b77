package dev.vggstream.bench;

import dev.vggstream.image.RgbImage;

/**
 * How far one model input is from another: PSNR over the 8-bit samples (peak 255) and the largest difference of
 * one sample. Both images are what the model's floats are made of (the preprocessing after it is a fixed linear
 * map per channel, so it changes neither the ranking nor, in 8-bit terms, the differences).
 */
public record Fidelity(double psnrDb, int maxAbsDiff) {

    /** Infinite PSNR for identical images. */
    public static Fidelity of(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("sizes differ: " + a.width() + "x" + a.height() + " and " + b.width()
                    + "x" + b.height());
        }
        byte[] x = a.pixels();
        byte[] y = b.pixels();
        int n = a.width() * a.height() * 3;
        double sum = 0;
        int max = 0;
        for (int i = 0; i < n; i++) {
            int d = (x[i] & 0xff) - (y[i] & 0xff);
            sum += (double) d * d;
            max = Math.max(max, Math.abs(d));
        }
        double mse = sum / n;
        return new Fidelity(mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse), max);
    }
}
