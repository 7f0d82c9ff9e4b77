package dev.vggstream.service;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Starting the service: a step that fails once Kafka Streams exists leaves no Kafka Streams behind. */
class VggServiceLaunchTest {

    @Test
    void aStepThatFailsAfterKafkaStreamsIsMadeClosesItBeforeTheFailureGoesUp(@TempDir Path state) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream("in").to("out");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "launch-test");
        // never reached: nothing here connects before start()
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        try {
            assertThatThrownBy(() -> VggService.launch(streams, s -> {
                throw new IllegalStateException("the model watcher could not start");
            })).hasMessage("the model watcher could not start");

            await().atMost(Duration.ofSeconds(30)).until(() -> streams.state() == KafkaStreams.State.NOT_RUNNING);
        } finally {
            streams.close(Duration.ofSeconds(10));
        }
    }
}
