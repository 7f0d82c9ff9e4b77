package dev.vggstream.it;

import dev.vggstream.kafka.KafkaBrokerExtension;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gigabyte of camera frames waiting in the input topic when the processor starts: it drains them with its memory
 * (heap and native, as the kernel counts it) under the documented bound, because it never admits more than
 * batch.max-in-flight images, whatever the backlog.
 */
@ExtendWith(KafkaBrokerExtension.class)
class BacklogIT {

    /** Documented in README: JVM heap limit + about 0.5 GB (TensorFlow, the model, Kafka buffers). */
    static final long HEAP = 1L << 30;
    static final long BOUND = HEAP + (512L << 20);

    @TempDir
    Path dir;

    @Test
    void aGigabyteBacklogDrainsWithinTheMemoryBound() throws Exception {
        long backlogBytes = Long.getLong("vggstream.backlog.bytes", 1L << 30);
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("backlog");
        Path model = StreamFixtures.tinyModel(dir, 3);
        byte[] frame = cameraFrame();
        int count = (int) (backlogBytes / frame.length) + 1;
        Path cfg = StreamFixtures.config(dir, bootstrap, names, model, Map.of("batch.max-size", "32",
                "batch.max-wait-ms", "20", "kafka.num.stream.threads", "2"));
        // topics first, so the backlog is there before the processor starts
        try (ProcessorProcess creator = ProcessorProcess.start(cfg, Map.of())) {
            creator.awaitRunning(Duration.ofSeconds(120));
            creator.stop(Duration.ofSeconds(60));
        }
        List<String> ids = new ArrayList<>();
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = StreamFixtures.producer(bootstrap)) {
            for (int i = 0; i < count; i++) {
                String id = "f-" + i;
                p.send(StreamFixtures.rawEvent(names.input(), id, "cam-" + (i % 8), frame));
                ids.add(id);
            }
        }
        double produceSeconds = (System.nanoTime() - t0) / 1e9;
        AtomicLong peakRss = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (ProcessorProcess p = ProcessorProcess.start(cfg, Map.of());
             KafkaConsumer<byte[], byte[]> out = StreamFixtures.consumer(bootstrap, names.output(), true)) {
            sampler.scheduleAtFixedRate(() -> peakRss.accumulateAndGet(rss(p.pid()), Math::max), 0, 100,
                    TimeUnit.MILLISECONDS);
            long t1 = System.nanoTime();
            Results r = new Results().readUntilAll(out, ids, Duration.ofMinutes(10));
            double drainSeconds = (System.nanoTime() - t1) / 1e9;
            System.out.printf("backlog: %d frames of %d bytes (%.2f GB) produced in %.1f s, drained in %.1f s "
                            + "(%.0f images/s); peak processor RSS %d MB (bound %d MB, heap limit %d MB)%n",
                    count, frame.length, count * (double) frame.length / (1L << 30), produceSeconds, drainSeconds,
                    count / drainSeconds, peakRss.get() >> 20, BOUND >> 20, HEAP >> 20);
            assertThat(r.lost(ids)).isEmpty();
            assertThat(peakRss.get()).as("peak RSS").isPositive().isLessThan(BOUND);
            p.stop(Duration.ofSeconds(60));
        } finally {
            sampler.shutdownNow();
        }
    }

    /** A 640x480 JPEG of noise and gradients: about as large as a camera frame, and incompressible. */
    static byte[] cameraFrame() throws Exception {
        BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        Random r = new Random(1);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                int n = r.nextInt(64);
                img.setRGB(x, y, ((x / 3 + n) & 0xff) << 16 | ((y / 2 + n) & 0xff) << 8 | ((x + y + n) & 0xff));
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", b);
        return b.toByteArray();
    }

    static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            return 0; // the process has exited
        }
        return 0;
    }
}
