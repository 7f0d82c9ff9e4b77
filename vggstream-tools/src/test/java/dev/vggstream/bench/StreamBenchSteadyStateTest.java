package dev.vggstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class StreamBenchSteadyStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Results of batches given as {size, inference ms, arrival ms}, each image of a batch arriving at once. */
    private static StreamBench.Collected round(double[]... batches) throws Exception {
        List<JsonNode> results = new ArrayList<>();
        List<Long> received = new ArrayList<>();
        List<Long> latency = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int id = 0;
        for (double[] b : batches) {
            for (int i = 0; i < (int) b[0]; i++) {
                results.add(JSON.readTree("{\"id\":\"e" + id + "\",\"batchSize\":" + (int) b[0]
                        + ",\"latencyMs\":{\"inference\":" + b[1] + "}}"));
                ids.add("e" + id++);
                received.add((long) (b[2] * 1e6));
                latency.add(0L);
            }
        }
        List<long[]> cpu = new ArrayList<>();
        results.forEach(r -> cpu.add(null));
        return new StreamBench.Collected(results, received, latency, ids, 0, cpu);
    }

    @Test
    void theFirstBatchAndAPartlyFilledLastOneAreLeftOut() throws Exception {
        long[] s = StreamBench.steadyState(round(new double[] {3, 700, 1000}, new double[] {16, 2300, 3400},
                new double[] {16, 2310, 5800}, new double[] {16, 2290, 8100}, new double[] {13, 1900, 10000}), 16);

        assertThat(s[0]).isEqualTo(48);
        assertThat(s[1]).isEqualTo(7_100_000_000L);
    }

    @Test
    void aPartlyFilledBatchInTheMiddleCountsAsThePipelineFallingBehind() throws Exception {
        long[] s = StreamBench.steadyState(round(new double[] {16, 2300, 1000}, new double[] {9, 1500, 2600},
                new double[] {16, 2310, 5000}), 16);

        assertThat(s[0]).isEqualTo(25);
        assertThat(s[1]).isEqualTo(4_000_000_000L);
    }

    @Test
    void batchesOfTheSameSizeAreToldApartByTheirInferenceTime() throws Exception {
        long[] s = StreamBench.steadyState(round(new double[] {16, 2300, 1000}, new double[] {16, 2301, 3300},
                new double[] {16, 2302, 5600}), 16);

        assertThat(s[0]).isEqualTo(32);
    }

    @Test
    void aRoundThatRanAsOneBatchHasNoSteadyState() throws Exception {
        assertThat(StreamBench.steadyState(round(new double[] {16, 2300, 1000}), 16)).containsExactly(0, 0);
    }

    @Test
    void theRatioIsTheMedianOfTheRoundsRatiosSoOneDriftingPairDoesNotDecideIt() {
        StreamBench.Interleaved r = new StreamBench.Interleaved(null, 5, 5, List.of(new double[] {5, 5},
                new double[] {4, 6}, new double[] {5.2, 5}, new double[] {4.8, 5}, new double[] {4.9, 5}));

        assertThat(r.ratio()).isCloseTo(0.98, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theMedianOfAnEvenNumberOfRoundsIsTheMeanOfTheMiddleTwo() {
        StreamBench.Interleaved r = new StreamBench.Interleaved(null, 5, 5, List.of(new double[] {1, 1},
                new double[] {0.9, 1}, new double[] {0.8, 1}, new double[] {0.5, 1}));

        assertThat(r.ratio()).isCloseTo(0.85, org.assertj.core.data.Offset.offset(1e-9));
    }
}
