package dev.vggstream.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.config.AppConfig;
import dev.vggstream.corpus.CorpusTopologyTest.Outcomes;
import dev.vggstream.image.ImageDecoder;
import dev.vggstream.it.StreamFixtures;
import dev.vggstream.kafka.KafkaBrokerExtension;
import dev.vggstream.service.Health;
import dev.vggstream.service.VggService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole corpus through Kafka: a real broker, the processor started in this JVM as {@code run} starts it
 * (VggService, a real tiny VGG), every case between good images. Each case ends as exactly its one outcome, the
 * good images around the bad ones are classified, nothing else is written, and the service is still RUNNING.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CorpusStreamIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyCaseBecomesItsOneOutcomeThroughKafkaAndTheServiceStaysRunning() throws Exception {
        // reader classes and natives load once per JVM, inside whichever decode comes first: not an image's cost
        ImageDecoder warm = new ImageDecoder(CorpusFiles.serviceLimits());
        for (JsonNode f : CorpusFiles.entries("valid")) {
            warm.decode(CorpusFiles.bytes("valid", f.get("file").asText()));
        }
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("corpus");
        Map<String, String> extra = new HashMap<>(Corpus.CONFIG);
        extra.put("batch.max-size", "8");
        extra.put("batch.max-wait-ms", "20");
        Path cfg = StreamFixtures.config(dir, bootstrap, names, StreamFixtures.tinyModel(dir, 5), extra);
        Health health = new Health();
        try (VggService service = VggService.start(config(cfg), health, VggService.Listeners.none())) {
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            List<Corpus.Case> sent = Corpus.interleaved();
            Map<Outcomes.Position, Corpus.Case> at = send(bootstrap, names.input(), sent);
            long toClassify = sent.stream().filter(Corpus.Case::classified).count();
            long toDeadLetter = sent.size() - toClassify;
            try (KafkaConsumer<byte[], byte[]> out = StreamFixtures.consumer(bootstrap, names.output(), true);
                 KafkaConsumer<byte[], byte[]> dlq = StreamFixtures.consumer(bootstrap, names.dlq(), true)) {
                List<ConsumerRecord<byte[], byte[]>> results = StreamFixtures.collect(out,
                        l -> l.size() >= toClassify, Duration.ofSeconds(120));
                List<ConsumerRecord<byte[], byte[]>> dead = StreamFixtures.collect(dlq,
                        l -> l.size() >= toDeadLetter, Duration.ofSeconds(60));
                // anything beyond one outcome per case would arrive with the rest: look a little longer
                results.addAll(StreamFixtures.collect(out, l -> false, Duration.ofSeconds(2)));
                dead.addAll(StreamFixtures.collect(dlq, l -> false, Duration.ofMillis(500)));

                List<Outcomes.Result> rs = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : results) {
                    JsonNode j = JSON.readTree(r.value());
                    assertThat(j.get("top")).hasSize(5);
                    rs.add(new Outcomes.Result(r.key(), j));
                }
                List<Outcomes.DeadLetter> ds = new ArrayList<>();
                dead.forEach(r -> ds.add(new Outcomes.DeadLetter(r.key(), r.value(), r.headers())));
                assertThat(Outcomes.check(at, names.input(), rs, ds, false)).isEmpty();
                assertThat(rs).hasSize((int) toClassify);
                assertThat(ds).hasSize((int) toDeadLetter);
            }
            assertThat(service.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(service.fatal()).isNull();
            assertThat(health.live()).isTrue();
        }
    }

    /** Sends every case in order; returns where each one was written. */
    static Map<Outcomes.Position, Corpus.Case> send(String bootstrap, String topic, List<Corpus.Case> cases)
            throws Exception {
        Map<Outcomes.Position, Corpus.Case> at = new HashMap<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = StreamFixtures.producer(bootstrap)) {
            for (Corpus.Case c : cases) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, c.key(), c.value());
                c.headers().forEach(r.headers()::add);
                sent.add(p.send(r));
            }
            p.flush();
            for (int i = 0; i < cases.size(); i++) {
                RecordMetadata m = sent.get(i).get();
                at.put(new Outcomes.Position(m.partition(), m.offset()), cases.get(i));
            }
        }
        return at;
    }

    static AppConfig config(Path file) throws Exception {
        Properties p = new Properties();
        try (FileReader r = new FileReader(file.toFile(), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return AppConfig.fromProperties(p, Map.of());
    }
}
