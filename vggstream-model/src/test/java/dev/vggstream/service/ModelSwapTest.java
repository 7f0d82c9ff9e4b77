package dev.vggstream.service;

import dev.vggstream.metrics.ProcessMemory;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.ClassifierOptions;
import dev.vggstream.inference.ModelException;
import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggModel;
import dev.vggstream.model.VggSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ModelSwapTest {

    @TempDir
    static Path dir;
    static Path a;
    static Path b;

    /** Two versions big enough (about 11 MB of weights each) that a leaked one would show in the RSS. */
    @BeforeAll
    static void models() throws Exception {
        a = export(dir.resolve("a"), 1);
        b = export(dir.resolve("b"), 2);
    }

    static Path export(Path out, long seed) throws Exception {
        VggSpec spec = new VggSpec(VggArch.VGG11, false, 10, 32, 0.25, Preprocessing.TORCH, null);
        try (VggModel m = VggModel.create(spec)) {
            m.initializeRandom(seed);
            m.export(out, spec.metadata(m.net().parameterCount(), "seed " + seed, "test"));
        }
        return out;
    }

    @Test
    void twentySwapsDoNotGrowNativeMemory() throws Exception {
        int[] warm = {1, 2, 4};
        try (ModelHolder holder = ModelHolder.load(a, ClassifierOptions.defaults(), new dev.vggstream.image.ImageDecoder(ImageLimits.DEFAULT), warm)) {
            float[] zeros = new float[4 * holder.info().imageFloats()];
            List<Long> rss = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                holder.swap(i % 2 == 0 ? b : a, warm);
                try (var lease = holder.acquire()) {
                    lease.model().classifier().classify(zeros, 4);
                }
                // no System.gc(): JavaCPP frees unreachable native memory on collection, which would hide a leak
                rss.add(ProcessMemory.rssBytes().orElseThrow());
            }
            // RSS swings by +-50 MB with the Java heap between collections (seen: 575, 610, 546, 631, 570 MB), while a
            // leak only adds: compare the floors (minima) of swaps 5-9 and 16-20, ten swaps apart
            long growth = floor(rss.subList(15, 20)) - floor(rss.subList(4, 9));
            System.out.printf("RSS after swaps 5..20: %s MB%n", rss.subList(4, 20).stream().map(x -> x >> 20).toList());
            // ten leaked models would add about 10 x 11 MB of weights alone
            assertThat(growth).as("growth of the RSS floor from swaps 5-9 to swaps 16-20, bytes")
                    .isLessThan(48L << 20);
        }
    }

    private static long floor(List<Long> samples) {
        return samples.stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    @Test
    void aBrokenNewVersionIsRefusedAndTheOldOneKeepsServing() throws Exception {
        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("saved_model.pb"), "not a protobuf");
        try (ModelHolder holder = ModelHolder.load(a, ClassifierOptions.defaults(), new dev.vggstream.image.ImageDecoder(ImageLimits.DEFAULT), new int[0])) {
            assertThatThrownBy(() -> holder.swap(broken, new int[] {1})).isInstanceOf(ModelException.class);
            assertThat(holder.info().path()).isEqualTo(a);
            float[] zeros = new float[holder.info().imageFloats()];
            try (var lease = holder.acquire()) {
                assertThat(lease.model().classifier().classify(zeros, 1)[0]).hasSize(10);
            }
        }
    }

    @Test
    void theWatcherServesAHigherVersionAndRefusesABrokenOne() throws Exception {
        Path versions = Files.createDirectories(dir.resolve("versions"));
        copy(a, versions.resolve("1"));
        Health health = new Health();
        List<String> served = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        ModelListener listener = new ModelListener() {
            @Override
            public void served(dev.vggstream.inference.ModelInfo model, String device) {
                served.add(model.version());
            }

            @Override
            public void refused(Path version, String reason) {
                refused.add(version.getFileName().toString());
            }
        };
        try (ModelHolder holder = ModelHolder.load(versions, ClassifierOptions.defaults(), new dev.vggstream.image.ImageDecoder(ImageLimits.DEFAULT),
                new int[] {1});
             ModelWatcher watcher = new ModelWatcher(holder, health, listener, "cpu", new int[] {1}, 50)) {
            assertThat(holder.info().version()).isEqualTo("1");
            Path staging = dir.resolve("staging-2");
            copy(b, staging);
            Files.move(staging, versions.resolve("2"));
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> holder.info().version().equals("2"));
            assertThat(served).containsExactly("2");
            Path bad = Files.createDirectories(versions.resolve("3"));
            Files.writeString(bad.resolve("saved_model.pb"), "garbage");
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> refused.contains("3"));
            assertThat(holder.info().version()).isEqualTo("2");
            assertThat(health.started()).isFalse(); // this health object never had a model marked ready
        }
    }

    static void copy(Path from, Path to) throws Exception {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
