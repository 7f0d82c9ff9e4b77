package dev.vggstream.cli;

import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vggstream.event.EventHeaders;
import dev.vggstream.image.ImageFormat;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/** {@code vggstream produce}: publish image files as image events, the way a camera feed would. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Publish JPEG/PNG files (or the images in directories) as image events.")
final class ProduceCommand implements Callable<Integer> {

    enum Encoding { RAW, JSON, MIXED }

    @CommandLine.Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--topic", defaultValue = "images", description = "Topic (default images)")
    String topic;

    @Option(names = "--source", description = "Source name, e.g. cam-7: the record key and the event's source "
            + "(default: the file name)")
    String source;

    @Option(names = "--encoding", defaultValue = "raw", description = "raw (image bytes, metadata in headers), json "
            + "(base64 envelope) or mixed (alternating) (default raw)")
    Encoding encoding;

    @Option(names = "--rate", defaultValue = "0", description = "Images per second (default 0: as fast as possible)")
    double rate;

    @Option(names = "--repeat", defaultValue = "1", description = "Send the files this many times (default 1)")
    int repeat;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Image files or directories")
    List<Path> files;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        List<Path> images = ImageFiles.walk(files);
        if (images.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no JPEG or PNG files in " + files);
        }
        Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(64 << 20));
        long total = (long) images.size() * repeat;
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer());
             Progress progress = Progress.start("produce", total, "images")) {
            long n = 0;
            for (int r = 0; r < repeat && failure.get() == null; r++) {
                for (Path f : images) {
                    pace(started, n);
                    ProducerRecord<byte[], byte[]> rec = record(f, n, r);
                    producer.send(rec, (md, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        } else {
                            progress.set(acked.incrementAndGet());
                        }
                    });
                    n++;
                    if (failure.get() != null) {
                        break;
                    }
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new CliException(ExitCodes.KAFKA, "sending to " + topic + " failed: " + failure.get().getMessage(),
                    failure.get());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        spec.commandLine().getOut().printf(Locale.ROOT, "sent %d images to %s in %.1f s (%.0f images/s)%n",
                acked.get(), topic, seconds, acked.get() / seconds);
        return ExitCodes.OK;
    }

    private void pace(long started, long n) {
        if (rate <= 0) {
            return;
        }
        // a rate limit is a wait by nature: send image n no earlier than n / rate seconds after the start
        long due = started + (long) (n / rate * 1e9);
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private ProducerRecord<byte[], byte[]> record(Path f, long n, int round) throws IOException {
        byte[] image = Files.readAllBytes(f);
        String name = f.getFileName().toString();
        String id = repeat > 1 ? name + "#" + round : name;
        String src = source != null ? source : name;
        byte[] key = src.getBytes(StandardCharsets.UTF_8);
        boolean json = encoding == Encoding.JSON || (encoding == Encoding.MIXED && n % 2 == 1);
        if (json) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", id).put("source", src).put("timestamp", Instant.now().toString())
                    .put("contentType", ImageFormat.detect(image).mediaType())
                    .put("data", Base64.getEncoder().encodeToString(image));
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key, JSON.writeValueAsBytes(o));
            r.headers().add(EventHeaders.CONTENT_TYPE, "application/json".getBytes(StandardCharsets.UTF_8));
            return r;
        }
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key, image);
        r.headers().add(EventHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        r.headers().add(EventHeaders.SOURCE, src.getBytes(StandardCharsets.UTF_8));
        return r;
    }
}
