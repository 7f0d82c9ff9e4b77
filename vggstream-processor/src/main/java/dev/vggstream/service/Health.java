package dev.vggstream.service;

import org.apache.kafka.streams.KafkaStreams;

/**
 * What the health endpoints report. Live: the process works (not failed). Started: the model is loaded and warm.
 * Ready: started, Kafka Streams is RUNNING (not rebalancing), no model reload is switching, and Kafka has not been
 * unusable (no broker answering, outputs below min ISR) for longer than {@code health.kafka-unavailable-ms}.
 * Kafka being away never takes liveness down: a restart cures no broker outage.
 */
public final class Health {

    private volatile boolean modelReady;
    private volatile boolean reloading;
    private volatile KafkaStreams.State streamsState = KafkaStreams.State.CREATED;
    private volatile String failure;
    private volatile boolean kafkaConnected = true;
    private volatile String kafkaProblem;
    private volatile boolean kafkaUsable = true;

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

    /** Whether the last look at the cluster found a broker answering. */
    public void kafkaConnected(boolean connected) {
        this.kafkaConnected = connected;
    }

    /** Whether the last look at the cluster found it usable (no grace time: for deciding, not for readiness). */
    public void kafkaUsable(boolean usable) {
        this.kafkaUsable = usable;
    }

    public boolean kafkaUsable() {
        return kafkaUsable;
    }

    /** Why Kafka has been unusable for too long, or null once it is usable again. */
    public void kafkaProblem(String problem) {
        this.kafkaProblem = problem;
    }

    public boolean kafkaConnected() {
        return kafkaConnected;
    }

    public String kafkaProblem() {
        return kafkaProblem;
    }

    public boolean live() {
        return failure == null && streamsState != KafkaStreams.State.ERROR
                && streamsState != KafkaStreams.State.PENDING_ERROR;
    }

    public boolean started() {
        return modelReady;
    }

    public boolean ready() {
        return live() && modelReady && !reloading && streamsState == KafkaStreams.State.RUNNING
                && kafkaProblem == null;
    }

    public KafkaStreams.State streamsState() {
        return streamsState;
    }

    public String failure() {
        return failure;
    }

    public String describe() {
        return "live=" + live() + " started=" + started() + " ready=" + ready() + " streams=" + streamsState
                + (reloading ? " reloading" : "") + (failure == null ? "" : " failure=" + failure)
                + (kafkaProblem == null ? "" : " kafka=" + kafkaProblem);
    }
}
