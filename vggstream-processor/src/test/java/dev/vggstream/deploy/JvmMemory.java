package dev.vggstream.deploy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Whether a container memory limit fits the processor: the heap the JVM takes from it, and native memory beside. */
final class JvmMemory {

    /** README, "Memory bound": RSS stays under the heap + about 512 MB for a small model, plus the model's size. */
    static final long NATIVE_OVERHEAD_BYTES = 512L << 20;
    /** The largest model the deployments are sized for: VGG16's 138,357,544 float32 weights. */
    static final long LARGEST_MODEL_BYTES = 138_357_544L * 4;
    /** BacklogIT measured the memory bound with a 1 GB heap; less has not been tried. */
    static final long MIN_HEAP_BYTES = 1L << 30;

    private static final Pattern MAX_RAM_PERCENTAGE = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)");

    private JvmMemory() {
    }

    /** The heap limit the JVM derives from {@code limitBytes} with {@code javaOptions}' MaxRAMPercentage. */
    static long heap(long limitBytes, String javaOptions) {
        Matcher m = MAX_RAM_PERCENTAGE.matcher(String.valueOf(javaOptions));
        assertThat(m.find()).as("the JVM options set -XX:MaxRAMPercentage: " + javaOptions).isTrue();
        assertThat(javaOptions).as("an out-of-memory error ends the process").contains("-XX:+ExitOnOutOfMemoryError");
        return (long) (limitBytes * Double.parseDouble(m.group(1)) / 100);
    }

    /** Asserts that {@code limitBytes} leaves a usable heap and, beside it, native memory for the largest model. */
    static void assertFits(String what, long limitBytes, String javaOptions) {
        long heap = heap(limitBytes, javaOptions);
        assertThat(heap).as(what + ": heap").isGreaterThanOrEqualTo(MIN_HEAP_BYTES);
        assertThat(limitBytes - heap).as(what + ": native memory beside the heap")
                .isGreaterThanOrEqualTo(NATIVE_OVERHEAD_BYTES + LARGEST_MODEL_BYTES);
    }
}
