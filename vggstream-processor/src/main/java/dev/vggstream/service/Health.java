package dev.vggstream.service;

import org.apache.kafka.streams.KafkaStreams;

/**
 * What the health endpoints report. Live: the process works (not failed). Started: the model is loaded and warm.
 * Ready: started, and Kafka Streams is RUNNING (not rebalancing) and no model reload is switching.
 */
public final class Health {

    private volatile boolean modelReady;
    private volatile boolean reloading;
    private volatile KafkaStreams.State streamsState = KafkaStreams.State.CREATED;
    private volatile String failure;

    public void modelReady(boolean ready) {
        this.modelReady = ready;
    }

    public void reloading(boolean r) {
        this.reloading = r;
    }

    public void streamsState(KafkaStreams.State s) {
        this.streamsState = s;
    }

    public void failed(String why) {
        this.failure = why;
    }

    public boolean live() {
        return failure == null && streamsState != KafkaStreams.State.ERROR
                && streamsState != KafkaStreams.State.PENDING_ERROR;
    }

    public boolean started() {
        return modelReady;
    }

    public boolean ready() {
        return live() && modelReady && !reloading && streamsState == KafkaStreams.State.RUNNING;
    }

    public KafkaStreams.State streamsState() {
        return streamsState;
    }

    public String failure() {
        return failure;
    }

    public String describe() {
        return "live=" + live() + " started=" + started() + " ready=" + ready() + " streams=" + streamsState
                + (reloading ? " reloading" : "") + (failure == null ? "" : " failure=" + failure);
    }
}
