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
}
