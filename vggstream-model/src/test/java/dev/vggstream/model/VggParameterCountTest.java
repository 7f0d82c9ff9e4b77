package dev.vggstream.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class VggParameterCountTest {

    /** torchvision's {@code sum(p.numel() for p in vggX(num_classes=1000).parameters())}. */
    @ParameterizedTest(name = "{0} batchNorm={1} has {2} parameters")
    @CsvSource({
            "vgg11, false, 132863336",
            "vgg11, true,  132868840",
            "vgg13, false, 133047848",
            "vgg13, true,  133053736",
            "vgg16, false, 138357544",
            "vgg16, true,  138365992",
            "vgg19, false, 143667240",
            "vgg19, true,  143678248"})
    void fullSizeNetworksHaveTorchvisionsParameterCounts(String arch, boolean bn, long expected) {
        try (VggGraph g = VggGraph.build(VggSpec.of(VggArch.parse(arch), bn, 1000, 224, 1.0))) {
            // counted from the variables the graph declares, not from our own bookkeeping
            long fromGraph = GraphVariables.elementCount(GraphVariables.of(g.graph()), GraphVariables::isTrainable);
            assertThat(fromGraph).isEqualTo(expected);
            assertThat(g.parameterCount()).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0} has {1} convolutions, as in the paper's configuration")
    @CsvSource({"vgg11, 8", "vgg13, 10", "vgg16, 13", "vgg19, 16"})
    void architecturesHaveThePapersConvolutionCounts(String arch, int convolutions) {
        long convs = java.util.Arrays.stream(VggArch.parse(arch).layers()).filter(c -> c != VggArch.POOL).count();
        long pools = java.util.Arrays.stream(VggArch.parse(arch).layers()).filter(c -> c == VggArch.POOL).count();
        assertThat(convs).isEqualTo(convolutions);
        assertThat(pools).isEqualTo(5);
    }
}
