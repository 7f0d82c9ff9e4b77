package dev.vggstream.service;

import dev.vggstream.config.AppConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class StreamsPropertiesTest {

    @Test
    void tasksDoNotIdleWaitingForOtherPartitionsUnlessTheOperatorAsks() {
        assertThat(StreamsProperties.of(AppConfig.defaults())).containsEntry("max.task.idle.ms", "-1");

        Properties asked = StreamsProperties.of(AppConfig.defaults().with(Map.of("kafka.max.task.idle.ms", "500")));
        assertThat(asked).containsEntry("max.task.idle.ms", "500");
    }

    @Test
    void theProducerBatchesImagesOfTheBufferTogetherUnlessTheOperatorSaysOtherwise() {
        Properties p = StreamsProperties.of(AppConfig.defaults());
        assertThat(p).containsEntry("producer.batch.size", "262144").containsEntry("producer.linger.ms", "5");

        Properties asked = StreamsProperties.of(AppConfig.defaults().with(Map.of("kafka.batch.size", "16384",
                "kafka.producer.linger.ms", "1")));
        assertThat(asked).containsEntry("batch.size", "16384").doesNotContainKey("producer.batch.size")
                .containsEntry("producer.linger.ms", "1");
    }
}
