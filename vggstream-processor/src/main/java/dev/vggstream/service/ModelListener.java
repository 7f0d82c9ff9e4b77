package dev.vggstream.service;

import dev.vggstream.inference.ModelInfo;

import java.nio.file.Path;

/** Observes which model is served, for metrics. */
public interface ModelListener {

    ModelListener NONE = new ModelListener() {
    };

    /** {@code model} now serves on {@code device} (at start, and after each reload). */
    default void served(ModelInfo model, String device) {
    }

    /** A new version could not be served; the previous one keeps serving. */
    default void refused(Path version, String reason) {
    }
}
