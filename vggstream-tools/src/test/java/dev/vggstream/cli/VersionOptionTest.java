package dev.vggstream.cli;

import dev.vggstream.metrics.BuildInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code vggstream --version} names the build it is, not a placeholder. */
class VersionOptionTest {

    @Test
    void versionPrintsTheBuildsVersionFromTheFilteredResource() {
        CliRun r = CliRun.of("--version");
        assertThat(r.exitCode()).isZero();
        String first = r.out().lines().findFirst().orElse("");
        assertThat(BuildInfo.version()).as("Maven filled in the version").matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(first).isEqualTo("vggstream " + BuildInfo.version()).doesNotContain("dev");
    }
}
