package dev.vggstream.inference;

import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_CloseSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;

/**
 * The devices TensorFlow can run on in this process, and the choice of one for inference.
 * TensorFlow Java has no device listing of its own, so this asks the C API, as {@code tf.config.list_physical_devices}
 * does in Python.
 */
public final class Devices {

    private static final Logger log = LoggerFactory.getLogger(Devices.class);

    /** A device as TensorFlow names it, e.g. {@code /job:localhost/replica:0/task:0/device:GPU:0}. */
    public record Device(String name, String type, long memoryBytes) {
        public boolean isGpu() {
            return type.equalsIgnoreCase("GPU");
        }
    }

    /** Asked for a GPU that is not there. */
    public static final class DeviceUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        public DeviceUnavailableException(String message) {
            super(message);
        }
    }

    private Devices() {
    }

    /** Every device TensorFlow sees (GPUs with memory growth on, so listing them does not take their memory). */
    public static List<Device> list() {
        TensorFlow.version(); // loads the native library
        ConfigProto probe = ConfigProto.newBuilder()
                .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true)).build();
        TF_Status status = TF_NewStatus();
        TF_SessionOptions opts = TF_NewSessionOptions();
        TF_Graph graph = TF_NewGraph();
        TF_Session session = null;
        TF_DeviceList devices = null;
        byte[] config = probe.toByteArray();
        try (BytePointer bytes = new BytePointer(config)) {
            TF_SetConfig(opts, bytes, config.length, status);
            check(status);
            session = TF_NewSession(graph, opts, status);
            check(status);
            devices = TF_SessionListDevices(session, status);
            check(status);
            List<Device> out = new ArrayList<>();
            for (int i = 0; i < TF_DeviceListCount(devices); i++) {
                out.add(new Device(TF_DeviceListName(devices, i, status).getString(),
                        TF_DeviceListType(devices, i, status).getString(), TF_DeviceListMemoryBytes(devices, i, status)));
            }
            return out;
        } finally {
            if (devices != null) {
                TF_DeleteDeviceList(devices);
            }
            if (session != null) {
                TF_CloseSession(session, status);
                TF_DeleteSession(session, status);
            }
            TF_DeleteGraph(graph);
            TF_DeleteSessionOptions(opts);
            TF_DeleteStatus(status);
        }
    }

    private static void check(TF_Status status) {
        if (TF_GetCode(status) != TF_OK) {
            throw new IllegalStateException("TensorFlow: " + TF_Message(status).getString());
        }
    }

    /**
     * Where inference will run, given what is there: {@code gpu}/{@code gpu:N} without that GPU is an error;
     * {@code auto} without a GPU runs on the CPU, with a warning.
     */
    public static DeviceConfig resolve(DeviceConfig wanted, List<Device> available) throws DeviceUnavailableException {
        long gpus = available.stream().filter(Device::isGpu).count();
        switch (wanted.kind()) {
            case GPU:
                if (wanted.gpuIndex() >= gpus) {
                    throw new DeviceUnavailableException("inference.device=" + wanted.describe() + " but TensorFlow "
                            + (gpus == 0 ? "sees no GPU" : "sees only " + gpus + " GPU(s)") + " (devices: "
                            + names(available) + "). A GPU needs the GPU build (mvn -Pgpu, or the image's gpu "
                            + "target), CUDA 12 and cuDNN 9 libraries, and an NVIDIA driver; or set "
                            + "inference.device=cpu or auto.");
                }
                return wanted;
            case AUTO:
                if (gpus == 0) {
                    log.warn("inference.device=auto and TensorFlow sees no GPU: running on the CPU");
                    return new DeviceConfig(DeviceConfig.Kind.CPU, 0, wanted.allowGrowth(), wanted.memoryFraction(),
                            wanted.intraOpThreads(), wanted.interOpThreads());
                }
                return new DeviceConfig(DeviceConfig.Kind.GPU, 0, wanted.allowGrowth(), wanted.memoryFraction(),
                        wanted.intraOpThreads(), wanted.interOpThreads());
            default:
                return wanted;
        }
    }

    static String names(List<Device> devices) {
        List<String> out = new ArrayList<>();
        for (Device d : devices) {
            String n = d.name();
            int i = n.indexOf("device:");
            out.add(i >= 0 ? n.substring(i + 7) : n);
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    /** One log line: what TensorFlow sees. */
    public static String describe(List<Device> devices) {
        List<String> out = new ArrayList<>();
        for (Device d : devices) {
            String n = d.name();
            int i = n.indexOf("device:");
            String shortName = i >= 0 ? n.substring(i + 7) : n;
            out.add(d.isGpu() && d.memoryBytes() > 0
                    ? String.format(Locale.ROOT, "%s (%.1f GiB)", shortName, d.memoryBytes() / (double) (1L << 30))
                    : shortName);
        }
        return String.join(", ", out);
    }
}
