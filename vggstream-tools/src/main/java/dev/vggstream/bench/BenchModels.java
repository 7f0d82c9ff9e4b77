package dev.vggstream.bench;

import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.ModelMetadata;
import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggModel;
import dev.vggstream.model.VggSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Models the benchmarks run, built once (He init, fixed seed) and kept in a cache directory between runs. */
public final class BenchModels {

    private BenchModels() {
    }

    /** The paper's VGG16 at 224 px, 1000 classes: the model whose cost the pipeline must hide. */
    public static VggSpec vgg16() {
        return new VggSpec(VggArch.VGG16, false, 1000, 224, 1.0, Preprocessing.TORCH, null);
    }

    /** A near-free model with the same input path: VGG11 at 1/32 width, 32 px. */
    public static VggSpec tiny() {
        return new VggSpec(VggArch.VGG11, false, 10, 32, 1.0 / 32, Preprocessing.TORCH, null);
    }

    /** The SavedModel for {@code spec} under {@code cache}, building it the first time. */
    public static Path get(Path cache, VggSpec spec) throws IOException {
        String name = String.format(Locale.ROOT, "%s-w%s-%dpx-%dc", spec.torchvisionName(), spec.width(),
                spec.imageSize(), spec.numClasses());
        return cached(cache, name, staging -> {
            try (VggModel m = VggModel.create(spec)) {
                m.initializeRandom(1);
                m.export(staging, spec.metadata(m.net().parameterCount(), "he-init:seed=1", "vggstream bench"));
            }
        });
    }

    /** The pipeline ceiling's {@link ProbeModel} for {@code side} px inputs under {@code cache}. */
    static Path probe(Path cache, int side) throws IOException {
        return cached(cache, ProbeModel.NAME + "-" + side + "px", staging -> ProbeModel.export(staging, side));
    }

    private interface Export {
        void to(Path staging) throws IOException;
    }

    /** {@code cache/name/1}, exported into a staging folder and moved there the first time. */
    private static Path cached(Path cache, String name, Export export) throws IOException {
        Path dir = cache.resolve(name).resolve("1");
        if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            return dir;
        }
        Path staging = cache.resolve(name + ".building");
        deleteTree(staging);
        Files.createDirectories(staging.getParent());
        export.to(staging);
        Files.createDirectories(dir.getParent());
        Files.move(staging, dir);
        return dir;
    }

    /** Deletes a directory and everything in it; nothing if it does not exist. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
