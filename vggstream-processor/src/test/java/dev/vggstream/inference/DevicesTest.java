package dev.vggstream.inference;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevicesTest {

    static final Devices.Device CPU = new Devices.Device("/job:localhost/replica:0/task:0/device:CPU:0", "CPU", 0);
    static final Devices.Device GPU0 = new Devices.Device("/job:localhost/replica:0/task:0/device:GPU:0", "GPU", 8L << 30);
    static final Devices.Device GPU1 = new Devices.Device("/job:localhost/replica:0/task:0/device:GPU:1", "GPU", 8L << 30);

    static DeviceConfig device(String d) {
        return DeviceConfig.parse(d, true, 0, 0, 0);
    }

    @Test
    void thisMachinesTensorFlowListsItsCpuAndNoGpu() {
        List<Devices.Device> devices = Devices.list();
        assertThat(devices).anyMatch(d -> d.type().equals("CPU"));
        assertThat(devices).noneMatch(Devices.Device::isGpu);
        assertThat(Devices.describe(devices)).contains("CPU:0");
    }

    @Test
    void gpuAskedForWithoutAGpuIsAClearErrorNamingWhatIsThere() {
        assertThatThrownBy(() -> Devices.resolve(device("gpu"), List.of(CPU)))
                .isInstanceOf(Devices.DeviceUnavailableException.class)
                .hasMessageContaining("inference.device=gpu:0 but TensorFlow sees no GPU")
                .hasMessageContaining("devices: CPU:0").hasMessageContaining("-Pgpu");
        assertThatThrownBy(() -> Devices.resolve(device("gpu:1"), List.of(CPU, GPU0)))
                .hasMessageContaining("sees only 1 GPU(s)");
    }

    @Test
    void autoFallsBackToTheCpuWithoutAGpuAndTakesTheFirstGpuWithOne() throws Exception {
        assertThat(Devices.resolve(device("auto"), List.of(CPU)).kind()).isEqualTo(DeviceConfig.Kind.CPU);
        DeviceConfig withGpu = Devices.resolve(device("auto"), List.of(CPU, GPU0, GPU1));
        assertThat(withGpu.kind()).isEqualTo(DeviceConfig.Kind.GPU);
        assertThat(withGpu.gpuIndex()).isZero();
        assertThat(Devices.resolve(device("gpu:1"), List.of(CPU, GPU0, GPU1)).gpuIndex()).isEqualTo(1);
    }

    @Test
    void deviceChoicesMapToTensorFlowSessionOptions() {
        ConfigProto cpu = device("cpu").toConfigProto();
        assertThat(cpu.getDeviceCountMap()).containsEntry("GPU", 0);
        ConfigProto gpu1 = DeviceConfig.parse("gpu:1", false, 0.5, 4, 2).toConfigProto();
        assertThat(gpu1.getGpuOptions().getVisibleDeviceList()).isEqualTo("1");
        assertThat(gpu1.getGpuOptions().getAllowGrowth()).isFalse();
        assertThat(gpu1.getGpuOptions().getPerProcessGpuMemoryFraction()).isEqualTo(0.5);
        assertThat(gpu1.getIntraOpParallelismThreads()).isEqualTo(4);
        assertThat(gpu1.getInterOpParallelismThreads()).isEqualTo(2);
        assertThat(gpu1.getAllowSoftPlacement()).isFalse();
        ConfigProto auto = device("auto").toConfigProto();
        assertThat(auto.getGpuOptions().getAllowGrowth()).isTrue();
        assertThat(auto.getAllowSoftPlacement()).isTrue();
        assertThat(auto.getDeviceCountMap()).doesNotContainKey("GPU");
    }

    @Test
    void malformedDeviceNamesAreRefused() {
        for (String bad : List.of("tpu", "gpu:x", "cpu:1", "", "gpu:")) {
            assertThatThrownBy(() -> device(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected auto, cpu, gpu or gpu:N");
        }
    }

    @Test
    void aModelLoadsAndRunsWithCpuSessionOptions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        var m = TestModels.channelMeans(dir.resolve("m"), "serving_default", "predictions", 8, true);
        try (Classifier c = Classifier.load(m, ClassifierOptions.defaults().withConfigProto(
                device("cpu").toConfigProto()))) {
            assertThat(c.classify(TestModels.constantImage(8, 1, 2, 3), 1)[0]).hasSize(3);
        }
    }
}
