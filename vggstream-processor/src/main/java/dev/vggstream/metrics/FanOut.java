package dev.vggstream.metrics;

import dev.vggstream.batch.BatchListener;
import dev.vggstream.event.Classification;
import dev.vggstream.event.InputRecord;
import dev.vggstream.event.Stage;
import dev.vggstream.inference.ModelInfo;
import dev.vggstream.service.ModelListener;
import dev.vggstream.service.VggService;
import dev.vggstream.topology.OutcomeListener;

import java.nio.file.Path;

/** The meters' hooks followed by the live view's: one set of listeners for the service. */
final class FanOut implements BatchListener, OutcomeListener, ModelListener {

    private final VggService.Listeners first;
    private final LiveView view;

    private FanOut(VggService.Listeners first, LiveView view) {
        this.first = first;
        this.view = view;
    }

    static VggService.Listeners of(VggService.Listeners first, LiveView view) {
        FanOut f = new FanOut(first, view);
        return new VggService.Listeners(f, f, f);
    }

    @Override
    public void batch(int size, long inferenceNanos, boolean failed) {
        first.batches().batch(size, inferenceNanos, failed);
        view.batch(size, inferenceNanos, failed);
    }

    @Override
    public void queued(long queueMs) {
        first.batches().queued(queueMs);
    }

    @Override
    public void inFlight(int images) {
        first.batches().inFlight(images);
    }

    @Override
    public void classified(long endToEndMs, long totalMs) {
        first.outcomes().classified(endToEndMs, totalMs);
    }

    @Override
    public void deadLettered(Stage stage, String reason) {
        first.outcomes().deadLettered(stage, reason);
    }

    @Override
    public void result(Classification result, byte[] image) {
        first.outcomes().result(result, image);
        view.result(result, image);
    }

    @Override
    public void deadLetter(InputRecord failed, Stage stage, String reason, Throwable error) {
        first.outcomes().deadLetter(failed, stage, reason, error);
        view.deadLetter(failed, stage, reason, error);
    }

    @Override
    public void served(ModelInfo model, String device) {
        first.models().served(model, device);
        view.served(model, device);
    }

    @Override
    public void refused(Path version, String reason) {
        first.models().refused(version, reason);
    }
}
