package dev.vggstream.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What part 10 counts as the pipeline's own CPU per frame, the figure capacity planning multiplies. */
class PipelineCpuTest {

    @Test
    void thePipelineIsTheJavaThreadsAndTheBrokerWithoutCompilersOrTensorFlowsPool() {
        double[] ms = new double[CpuMeter.PARTS.size()];
        ms[1] = 10; // stream threads
        ms[2] = 0.5; // inference thread
        ms[3] = 0.25; // Kafka clients
        ms[CpuMeter.JIT] = 4;
        ms[CpuMeter.GC] = 0.25;
        ms[CpuMeter.PROCESSOR] = 10 + 0.5 + 0.25 + 4 + 0.25 + 9; // 9 ms in TensorFlow's native threads
        ms[CpuMeter.BROKER] = 3;
        ms[CpuMeter.BROKER_JIT] = 1;
        StreamBench.Outcome o = new StreamBench.Outcome("x", 100, 10, 16, 1, 2, 3, 0, 0, 1, 10, ms);
        assertThat(CameraBench.pipelineMs(o)).isCloseTo(10 + 0.5 + 0.25 + 0.25 + 3 - 1, within(1e-9));
    }
}
