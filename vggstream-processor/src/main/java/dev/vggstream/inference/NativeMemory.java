package dev.vggstream.inference;

/**
 * JavaCPP's settings for TensorFlow's native memory: system properties, read once when JavaCPP's {@code Pointer}
 * class loads, so {@link #configure()} runs first thing in each main.
 */
public final class NativeMemory {

    /** JavaCPP's limit on the process's resident size, checked at every native allocation. */
    public static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    private NativeMemory() {
    }

    /**
     * Turns the resident-size check off unless the user set it (-D...): JavaCPP reads /proc for it at every pointer
     * it allocates, and each TensorFlow call allocates several, which cost about a tenth of a 224 px JPEG's decode
     * (README, part 8). The check exists to run the garbage collector when unreachable pointers hold native memory;
     * here every tensor and result is closed when used, so none waits for the collector.
     */
    public static void configure() {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
        }
    }
}
