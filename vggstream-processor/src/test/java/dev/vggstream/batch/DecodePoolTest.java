package dev.vggstream.batch;

import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.Preprocessing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The decode pool and the deliver-once mailbox, with a stand-in model that answers each image's first pixel. */
class DecodePoolTest {

    final FakeClassifier model = new FakeClassifier(8);
    final ImagePipeline pipeline = new ImagePipeline(ImageLimits.DEFAULT, 8, 8, Preprocessing.NONE);
    /** Batches of one, run at once by the pool thread that submits: every prepared image is answered. */
    final BatchDispatcher dispatcher = BatchDispatcher.inline(ModelSource.of(model, pipeline), BatchSettings.of(1, 0),
            BatchListener.NONE, System::currentTimeMillis);
    final Mailbox box = new Mailbox();
    /** Holds images whose first pixel is {@link #HELD} until released. */
    final CountDownLatch release = new CountDownLatch(1);
    static final int HELD = 99;
    DecodePool pool;

    @AfterEach
    void close() {
        release.countDown();
        if (pool != null) {
            pool.close();
        }
        dispatcher.close();
    }

    /** Prepares with the real pipeline; an image of red {@link #HELD} waits for {@link #release}. */
    DecodePool.Step holding() {
        return (m, image, dst) -> {
            m.pipeline().prepare(image, dst, 0);
            if (dst[0] == HELD) {
                hold(release);
            }
        };
    }

    static void hold(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static byte[] png(int red) {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                img.setRGB(x, y, red << 16);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    void submit(long seq, byte[] image) {
        pool.submit(seq, image, System.currentTimeMillis(), System.nanoTime(), box);
    }

    Outcome awaitOutcome(long seq) {
        Outcome[] got = new Outcome[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> (got[0] = box.take(seq)) != null);
        return got[0];
    }

    static Outcome success(long seq, float first) {
        return new Outcome(seq, new float[] {first}, null, 1, 0, 0, null, false);
    }

    @Test
    void aMailboxKeepsTheFirstOutcomeOfAnImageAndDropsTheOthersBeforeAndAfterItIsTaken() {
        assertThat(box.deliver(success(0, 1))).isTrue();
        assertThat(box.deliver(success(0, 2))).as("a second outcome while the first waits").isFalse();
        assertThat(box.take(0).probabilities()).containsExactly(1f);
        assertThat(box.deliver(success(0, 3))).as("a late outcome after the first was taken").isFalse();
        assertThat(box.take(0)).isNull();
        assertThat(box.waiting()).isZero();
        assertThat(box.deliver(success(1, 4))).as("the next image is not affected").isTrue();
    }

    @Test
    void preparedImagesAreSubmittedAndTheirOutcomesReachTheMailbox() {
        pool = DecodePool.start(dispatcher, 2, 5_000);
        submit(0, png(10));
        submit(1, png(20));
        assertThat(awaitOutcome(0).probabilities()[0]).isEqualTo(10f);
        assertThat(awaitOutcome(1).probabilities()[0]).isEqualTo(20f);
        assertThat(dispatcher.inFlight()).isZero();
    }

    @Test
    void framesBeingPreparedCountAgainstMaxInFlight() {
        pool = DecodePool.start(dispatcher, 2, 60_000, holding());
        submit(0, png(HELD));
        submit(1, png(HELD));
        submit(2, png(HELD));
        assertThat(dispatcher.inFlight()).as("two being prepared, one queued: none submitted yet").isEqualTo(3);
        assertThat(model.batchSizes()).isEmpty();
        release.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> box.waiting() == 3);
        assertThat(dispatcher.inFlight()).isZero();
    }

    @Test
    void anImageThatCannotBeDecodedGetsItsImageErrorAndGivesItsRoomBack() {
        pool = DecodePool.start(dispatcher, 1, 5_000);
        byte[] good = png(10);
        submit(0, Arrays.copyOf(good, good.length / 2));
        Outcome o = awaitOutcome(0);
        assertThat(o.failed()).isTrue();
        assertThat(o.preparing()).isTrue();
        assertThat(o.error()).isInstanceOf(ImageException.class);
        assertThat(((ImageException) o.error()).reason()).isEqualTo(ImageException.Reason.TRUNCATED);
        await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.inFlight() == 0);
        assertThat(model.batchSizes()).as("the model never saw it").isEmpty();
    }

    @Test
    void anUnexpectedErrorCostsItsImageOnlyAndThePoolThreadCarriesOn() {
        pool = DecodePool.start(dispatcher, 1, 5_000, (m, image, dst) -> {
            m.pipeline().prepare(image, dst, 0);
            if (dst[0] == 13) {
                throw new IllegalStateException("a decoder bug");
            }
        });
        submit(0, png(13));
        submit(1, png(20));
        Outcome bug = awaitOutcome(0);
        assertThat(bug.error()).isInstanceOf(IllegalStateException.class);
        assertThat(bug.preparing()).isTrue();
        assertThat(awaitOutcome(1).probabilities()[0]).isEqualTo(20f);
        assertThat(pool.liveThreads()).isEqualTo(1);
    }

    @Test
    void aHungImageTimesOutItsThreadIsReplacedAndItsLateResultIsDropped() {
        pool = DecodePool.start(dispatcher, 1, 200, holding());
        submit(0, png(HELD));
        submit(1, png(20));
        Outcome timedOut = awaitOutcome(0);
        assertThat(timedOut.error()).isInstanceOf(ImageException.class);
        assertThat(((ImageException) timedOut.error()).reason()).isEqualTo(ImageException.Reason.TIMEOUT);
        assertThat(awaitOutcome(1).probabilities()[0]).as("the replacement thread prepared the next image")
                .isEqualTo(20f);
        assertThat(pool.abandonedThreads()).isEqualTo(1);
        assertThat(pool.liveThreads()).isEqualTo(1);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.abandonedThreads() == 0);
        assertThat(model.batchSizes()).as("the hung image's late pixels were never classified").hasSize(1);
        assertThat(box.waiting()).isZero();
        assertThat(dispatcher.inFlight()).isZero();
    }

    @Test
    void aCancelledTasksImagesAreDroppedWithTheirRoomAndNeverReachTheModel() {
        pool = DecodePool.start(dispatcher, 1, 60_000, holding());
        submit(0, png(HELD));
        submit(1, png(20));
        dispatcher.cancel(box);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.inFlight() == 0);
        assertThat(model.batchSizes()).isEmpty();
        assertThat(box.waiting()).isZero();
    }
}
