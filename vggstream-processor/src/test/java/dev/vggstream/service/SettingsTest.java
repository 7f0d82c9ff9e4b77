package dev.vggstream.service;

import dev.vggstream.config.AppConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SettingsTest {

    @Test
    void aStreamThreadWaitsForRoomAFifthOfTheTransactionTimeoutBoundedToTwoSeconds() {
        AppConfig c = AppConfig.defaults();

        assertThat(Settings.maxBlockMs(c.with("kafka.transaction.timeout.ms", "5000"))).isEqualTo(1_000);
        assertThat(Settings.maxBlockMs(c.with("kafka.transaction.timeout.ms", "60000"))).isEqualTo(2_000);
        assertThat(Settings.maxBlockMs(c.with("kafka.transaction.timeout.ms", "100"))).isEqualTo(50);
    }

    @Test
    void theProducersOwnTransactionTimeoutWinsOverTheSharedOne() {
        AppConfig c = AppConfig.defaults().with("kafka.transaction.timeout.ms", "60000")
                .with("kafka.producer.transaction.timeout.ms", "5000");

        assertThat(Settings.maxBlockMs(c)).isEqualTo(1_000);
    }

    @Test
    void withoutATransactionTimeoutKafkasTenSecondsAreAssumed() {
        assertThat(AppConfig.defaults().kafkaTransactionTimeoutMs()).isEmpty();
        assertThat(Settings.maxBlockMs(AppConfig.defaults())).isEqualTo(2_000);
    }
}
