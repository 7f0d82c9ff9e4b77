package dev.vggstream.cli;

import dev.vggstream.run.ExitCodes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerCliTest {

    @Test
    void aClusterOfNoNodesIsRefusedAsAUsageError() {
        CliRun r = CliRun.of("broker", "--nodes", "0");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--nodes must be at least 1");
    }

    @Test
    void theHelpOffersTheNodesOption() {
        CliRun r = CliRun.of("broker", "--help");

        assertThat(r.out()).contains("--nodes");
    }
}
