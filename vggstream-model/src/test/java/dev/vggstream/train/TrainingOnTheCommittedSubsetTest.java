package dev.vggstream.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrainingOnTheCommittedSubsetTest {

    @Test
    void aVggTrainedOnFiveHundredFashionImagesClassifiesHeldOutImagesFarAboveChance() throws Exception {
        TrainingData data = TrainFixtures.loadSubset(32);
        TrainConfig config = TrainFixtures.config(0.0625, 15, 25, 0.05f, false, 0f);

        TrainingResult result = new Trainer(config, null).train(data, null);

        // ten classes: chance is 10%; the 150 test images were never trained on
        assertThat(data.test().size()).isEqualTo(150);
        assertThat(result.testAccuracy()).isGreaterThan(0.5);
        assertThat(result.epochs()).hasSize(15);
        assertThat(result.epochs().get(14).trainLoss()).isLessThan(result.epochs().get(0).trainLoss());
    }
}
