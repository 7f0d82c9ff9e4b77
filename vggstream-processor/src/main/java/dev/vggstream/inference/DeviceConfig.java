package dev.vggstream.inference;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where inference runs, as TensorFlow session options.
 *
 * <ul>
 *   <li>{@code cpu}: no GPU is used even if one is visible ({@code device_count {GPU: 0}}).</li>
 *   <li>{@code gpu}: the first GPU; {@code gpu:N}: GPU N only ({@code gpu_options.visible_device_list}).</li>
 *   <li>{@code auto}: TensorFlow's placement, GPU 0 when there is one, else the CPU.</li>
 * </ul>
 *
 * @param allowGrowth    {@code gpu_options.allow_growth}: take GPU memory as needed instead of all at once
 * @param memoryFraction {@code gpu_options.per_process_gpu_memory_fraction}; 0 leaves TensorFlow's default
 * @param intraOpThreads {@code intra_op_parallelism_threads}; 0 leaves TensorFlow's default (all cores)
 * @param interOpThreads {@code inter_op_parallelism_threads}; 0 leaves TensorFlow's default
 */
public record DeviceConfig(Kind kind, int gpuIndex, boolean allowGrowth, double memoryFraction, int intraOpThreads,
                           int interOpThreads) {

    public enum Kind { AUTO, CPU, GPU }

    private static final Pattern DEVICE = Pattern.compile("(auto|cpu|gpu)(?::(\\d{1,3}))?");

    public static DeviceConfig parse(String device, boolean allowGrowth, double memoryFraction, int intraOpThreads,
                                     int interOpThreads) {
        Matcher m = DEVICE.matcher(device == null ? "" : device.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || (m.group(2) != null && !m.group(1).equals("gpu"))) {
            throw new IllegalArgumentException("inference device '" + device + "': expected auto, cpu, gpu or gpu:N");
        }
        Kind kind = Kind.valueOf(m.group(1).toUpperCase(Locale.ROOT));
        int index = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        if (memoryFraction < 0 || memoryFraction > 1) {
            throw new IllegalArgumentException("GPU memory fraction must be in [0, 1], got " + memoryFraction);
        }
        return new DeviceConfig(kind, index, allowGrowth, memoryFraction, intraOpThreads, interOpThreads);
    }

    /** The TensorFlow session options for this device choice. */
    public ConfigProto toConfigProto() {
        ConfigProto.Builder b = ConfigProto.newBuilder().setAllowSoftPlacement(kind == Kind.AUTO);
        if (intraOpThreads > 0) {
            b.setIntraOpParallelismThreads(intraOpThreads);
        }
        if (interOpThreads > 0) {
            b.setInterOpParallelismThreads(interOpThreads);
        }
        if (kind == Kind.CPU) {
            b.putDeviceCount("GPU", 0);
            return b.build();
        }
        GPUOptions.Builder gpu = GPUOptions.newBuilder().setAllowGrowth(allowGrowth);
        if (memoryFraction > 0) {
            gpu.setPerProcessGpuMemoryFraction(memoryFraction);
        }
        if (kind == Kind.GPU) {
            gpu.setVisibleDeviceList(Integer.toString(gpuIndex));
        }
        return b.setGpuOptions(gpu).build();
    }

    public String describe() {
        return switch (kind) {
            case CPU -> "cpu";
            case GPU -> "gpu:" + gpuIndex;
            default -> "auto";
        };
    }
}
