package dev.vggstream.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.config.AppConfig;
import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.ImagePreparer;
import dev.vggstream.inference.Classifier;
import dev.vggstream.inference.ModelInfo;
import dev.vggstream.kafka.KafkaBrokerExtension;
import dev.vggstream.service.Health;
import dev.vggstream.service.VggService;
import dev.vggstream.demo.DemoAssets;
import dev.vggstream.train.Idx;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Stream identity: Fashion-MNIST test images streamed through the real broker, as raw PNGs and JSON events mixed,
 * over several partitions, with batching on, get exactly the answers the same model gives offline, image by image
 * (same top class, every probability within 1e-5): batching never hands an image another image's result. On the
 * full 10k test set: {@code mvn verify -Dit.test=StreamIdentityIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dvggstream.identity.data=/usr/share/datasets/fashion-mnist -Dvggstream.identity.count=10000}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class StreamIdentityIT {

    @TempDir
    Path dir;

    @Test
    void everyStreamedImageGetsExactlyItsOfflinePredictionAndStreamedAccuracyEqualsOfflineAccuracy() throws Exception {
        Path data = Path.of(System.getProperty("vggstream.identity.data",
                Path.of(getClass().getResource("/identity").toURI()).toString()));
        int count = Integer.getInteger("vggstream.identity.count", 600);
        Idx.Images images = Idx.readImages(find(data, "t10k-images"));
        byte[] labels = Idx.readLabels(find(data, "t10k-labels"));
        count = Math.min(count, images.count());
        assertThat(count).isGreaterThanOrEqualTo(500);
        Path model = DemoAssets.extract(dir.resolve("demo")).resolve("model");

        List<byte[]> pngs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pngs.add(png(images.image(i), images.cols(), images.rows()));
        }
        Map<String, float[]> offline = new HashMap<>();
        int offlineCorrect = 0;
        try (Classifier c = Classifier.load(model)) {
            ModelInfo info = c.info();
            ImagePipeline pipeline = new ImagePipeline(new ImageDecoder(ImageLimits.DEFAULT),
                    new ImagePreparer(info.height(), info.width(), info.preprocessing()));
            for (int i = 0; i < count; i++) {
                float[] p = c.classify(pipeline.prepare(pngs.get(i)), 1)[0];
                offline.put("fm-" + i, p);
                offlineCorrect += argmax(p) == labels[i] ? 1 : 0;
            }
        }

        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("identity");
        Path cfg = StreamFixtures.config(dir, bootstrap, names, model, Map.of("batch.max-size", "16",
                "batch.max-wait-ms", "20", "output.top-k", "10", "topics.partitions", "4"));
        int streamedCorrect = 0;
        try (VggService service = VggService.start(AppConfig.load(cfg, Map.of()), new Health(),
                VggService.Listeners.none())) {
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            List<String> ids = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> p = StreamFixtures.producer(bootstrap)) {
                for (int i = 0; i < count; i++) {
                    String id = "fm-" + i;
                    String source = "cam-" + (i % 8);
                    p.send(i % 2 == 0 ? StreamFixtures.rawEvent(names.input(), id, source, pngs.get(i))
                            : StreamFixtures.jsonEvent(names.input(), id, source, pngs.get(i)));
                    ids.add(id);
                }
            }
            Results r;
            try (KafkaConsumer<byte[], byte[]> out = StreamFixtures.consumer(bootstrap, names.output(), true)) {
                r = new Results().readUntilAll(out, ids, Duration.ofMinutes(10));
            }
            assertThat(r.lost(ids)).isEmpty();
            double meanBatch = r.all().size() / r.all().stream().mapToDouble(j -> 1.0 / j.get("batchSize").asInt()).sum();
            assertThat(meanBatch).as("batching was on").isGreaterThan(1.5);
            for (JsonNode j : r.all()) {
                String id = j.get("id").asText();
                float[] want = offline.get(id);
                JsonNode top = j.get("top");
                assertThat(top.get(0).get("index").asInt()).as("top class of %s", id).isEqualTo(argmax(want));
                for (JsonNode t : top) {
                    assertThat(t.get("probability").asDouble()).as("%s class %s", id, t.get("index"))
                            .isCloseTo(want[t.get("index").asInt()], within(1e-5));
                }
                int index = Integer.parseInt(id.substring(3));
                streamedCorrect += top.get(0).get("index").asInt() == labels[index] ? 1 : 0;
            }
            System.out.printf("stream identity: %d images, mean batch %.1f, offline accuracy %.2f%%, streamed "
                            + "accuracy %.2f%%%n", count, meanBatch, 100.0 * offlineCorrect / count,
                    100.0 * streamedCorrect / count);
        }
        assertThat(streamedCorrect).isEqualTo(offlineCorrect);
    }

    static Path find(Path dir, String prefix) throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + prefix + "* in " + dir));
        }
    }

    static byte[] png(byte[] grey, int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, w, h, grey);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
