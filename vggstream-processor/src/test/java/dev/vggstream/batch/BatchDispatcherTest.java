package dev.vggstream.batch;

import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.Preprocessing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BatchDispatcherTest {

    static final int SIDE = 4;
    final FakeClassifier model = new FakeClassifier(SIDE);
    final ImagePipeline pipeline = new ImagePipeline(ImageLimits.DEFAULT, SIDE, SIDE, Preprocessing.NONE);
    final ImageSpec spec = new ImageSpec(SIDE, SIDE, Preprocessing.NONE);
    final AtomicLong clock = new AtomicLong(1_000);
    BatchDispatcher dispatcher;

    @AfterEach
    void close() {
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    BatchDispatcher inline(int maxSize, long maxWaitMs) {
        dispatcher = BatchDispatcher.inline(ModelSource.of(model, pipeline), BatchSettings.of(maxSize, maxWaitMs),
                BatchListener.NONE, clock::get);
        return dispatcher;
    }

    Pending pending(long seq, float marker, Mailbox box) {
        return new Pending(seq, new byte[0], spec, model.image(marker), clock.get(), box);
    }

    @Test
    void aBatchRunsAsSoonAsMaxSizeImagesWait() {
        inline(4, 10_000);
        Mailbox box = new Mailbox();
        for (int i = 0; i < 3; i++) {
            dispatcher.submit(pending(i, i / 10f, box));
        }
        assertThat(box.waiting()).isZero();
        dispatcher.submit(pending(3, 0.3f, box));
        assertThat(model.batchSizes()).containsExactly(4);
        for (int i = 0; i < 4; i++) {
            Outcome o = box.take(i);
            assertThat(o.batchSize()).isEqualTo(4);
            assertThat(o.probabilities()[0]).as("image %d got its own result", i).isEqualTo(i / 10f);
        }
    }

    @Test
    void aPartialBatchRunsWhenItsOldestImageHasWaitedMaxWait() {
        inline(16, 50);
        Mailbox box = new Mailbox();
        dispatcher.submit(pending(0, 0.5f, box));
        clock.addAndGet(20);
        dispatcher.submit(pending(1, 0.6f, box));
        dispatcher.poll(clock.get() + 29);
        assertThat(model.batchSizes()).isEmpty();
        dispatcher.poll(clock.get() + 30);
        assertThat(model.batchSizes()).containsExactly(2);
        assertThat(box.take(0).queueMs()).isEqualTo(50);
        assertThat(box.take(1).queueMs()).isEqualTo(30);
    }

    @Test
    void imagesOfManyTasksShareOneBatch() {
        inline(8, 10_000);
        List<Mailbox> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Mailbox box = new Mailbox();
            tasks.add(box);
            dispatcher.submit(pending(0, t / 10f, box));
        }
        assertThat(model.batchSizes()).containsExactly(8);
        for (int t = 0; t < 8; t++) {
            assertThat(tasks.get(t).take(0).probabilities()[0]).isEqualTo(t / 10f);
        }
    }

    @Test
    void aPoisonImageFailsAloneWhileTheRestOfItsBatchIsClassified() {
        inline(4, 10_000);
        Mailbox box = new Mailbox();
        dispatcher.submit(pending(0, 0.1f, box));
        dispatcher.submit(pending(1, FakeClassifier.POISON, box));
        dispatcher.submit(pending(2, 0.3f, box));
        dispatcher.submit(pending(3, 0.4f, box));
        assertThat(model.batchSizes()).containsExactly(4, 1, 1, 1, 1);
        assertThat(box.take(0).probabilities()[0]).isEqualTo(0.1f);
        Outcome poison = box.take(1);
        assertThat(poison.failed()).isTrue();
        assertThat(poison.error()).hasMessageContaining("poison");
        assertThat(box.take(2).probabilities()[0]).isEqualTo(0.3f);
        assertThat(box.take(3).failed()).isFalse();
        assertThat(dispatcher.inFlight()).isZero();
    }

    @Test
    void aCancelledTasksQueuedImagesAreDroppedAndItsLateOutcomesDiscarded() {
        inline(4, 10_000);
        Mailbox gone = new Mailbox();
        Mailbox stays = new Mailbox();
        dispatcher.submit(pending(0, 0.1f, gone));
        dispatcher.submit(pending(0, 0.2f, stays));
        dispatcher.cancel(gone);
        assertThat(dispatcher.inFlight()).isEqualTo(1);
        dispatcher.submit(pending(1, 0.3f, gone));
        assertThat(dispatcher.inFlight()).as("a cancelled mailbox submits nothing").isEqualTo(1);
        dispatcher.poll(clock.get() + 10_000);
        assertThat(model.batchSizes()).containsExactly(1);
        assertThat(gone.waiting()).isZero();
        assertThat(stays.take(0).probabilities()[0]).isEqualTo(0.2f);
    }

    @Test
    void anImagePreparedForAnotherModelIsPreparedAgainFromItsBytes() throws Exception {
        inline(1, 0);
        Mailbox box = new Mailbox();
        BufferedImage img = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_3BYTE_BGR);
        img.setRGB(0, 0, 0x400000); // red 64 in the first pixel
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        ImageSpec old = new ImageSpec(8, 8, Preprocessing.TORCH);
        dispatcher.submit(new Pending(0, png.toByteArray(), old, new float[old.floats()], clock.get(), box));
        assertThat(box.take(0).probabilities()[0]).isEqualTo(64f);
    }

    @Test
    void theAsyncWorkerRunsAPartialBatchOnTimeWithoutBeingPolled() {
        dispatcher = BatchDispatcher.async(ModelSource.of(model, pipeline), BatchSettings.of(16, 20),
                BatchListener.NONE);
        Mailbox box = new Mailbox();
        dispatcher.submit(new Pending(0, new byte[0], spec, model.image(0.5f), System.currentTimeMillis(), box));
        await().atMost(Duration.ofSeconds(5)).until(() -> box.waiting() == 1);
        assertThat(box.take(0).batchSize()).isEqualTo(1);
    }

    @Test
    void theAsyncWorkerKeepsServingAfterItsThreadIsInterruptedWhileTheDispatcherIsOpen() {
        // model code that interrupts the thread it runs on: the worker
        model.beforeEachCall(() -> Thread.currentThread().interrupt());
        // a wait long enough that the second image is never due when the worker first looks at it
        dispatcher = BatchDispatcher.async(ModelSource.of(model, pipeline), BatchSettings.of(16, 300),
                BatchListener.NONE);
        Mailbox box = new Mailbox();
        dispatcher.submit(new Pending(0, new byte[0], spec, model.image(0.1f), System.currentTimeMillis(), box));
        await().atMost(Duration.ofSeconds(5)).until(() -> box.waiting() == 1);

        // the next partial batch makes the worker wait for its deadline, where the interrupt used to end it
        dispatcher.submit(new Pending(1, new byte[0], spec, model.image(0.2f), System.currentTimeMillis(), box));
        await().atMost(Duration.ofSeconds(5)).until(() -> box.waiting() == 2);
        assertThat(box.take(1).probabilities()[0]).isEqualTo(0.2f);
    }

    @Test
    void aStreamThreadIsNotHeldLongerThanMaxBlockWhenInferenceIsSlow() {
        CountDownLatch release = new CountDownLatch(1);
        model.beforeEachCall(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        dispatcher = BatchDispatcher.async(ModelSource.of(model, pipeline), new BatchSettings(2, 0, 2, 100),
                BatchListener.NONE);
        Mailbox box = new Mailbox();
        long t0 = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            dispatcher.submit(new Pending(i, new byte[0], spec, model.image(0.1f), System.currentTimeMillis(), box));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(dispatcher.overAdmitted()).isGreaterThanOrEqualTo(1);
        assertThat(ms).as("submits waited for room, but boundedly").isGreaterThanOrEqualTo(100).isLessThan(3_000);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> box.waiting() == 5);
        assertThat(dispatcher.inFlight()).isZero();
    }

    @Test
    void largeBatchesArePaddedToTheNextWarmedSizeAndOnlyRealImagesGetOutcomes() {
        inline(64, 50);
        Mailbox box = new Mailbox();
        for (int i = 0; i < 40; i++) {
            dispatcher.submit(pending(i, i, box));
        }
        dispatcher.poll(clock.get() + 50);
        assertThat(model.batchSizes()).containsExactly(64);
        assertThat(box.waiting()).isEqualTo(40);
        assertThat(box.take(39).probabilities()[0]).isEqualTo(39f);
        assertThat(box.take(39)).isNull();
    }

    @Test
    void theWarmedBatchSizesAreAllSizesUpTo32ThenPowersOfTwoAndTheMaximum() {
        assertThat(BatchSettings.of(4, 0).modelBatchSizes()).containsExactly(1, 2, 3, 4);
        assertThat(BatchSettings.of(100, 0).modelBatchSizes()).containsExactly(1, 2, 4, 8, 16, 32, 64, 100);
        assertThat(BatchSettings.of(100, 0).modelBatchSize(65)).isEqualTo(100);
        assertThat(BatchSettings.of(100, 0).modelBatchSize(33)).isEqualTo(64);
    }
}
