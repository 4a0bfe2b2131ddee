package io.verdant.jobs.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * DirectUpdater against DL4J's own MultiLayerUpdater: two copies of one network fit the same
 * minibatches, one with each, and must hold the same parameters and updater state after every step.
 */
class DirectUpdaterTest {

  @Test
  void nesterovWithoutRegularizationGivesDl4jsParameters() {
    assertSameTraining(
        "lenet-300-100",
        new Architectures.Hyper(Architectures.UpdaterKind.nesterov, 0.2, 0.9, 0, 0, 42),
        32,
        25);
  }

  @Test
  void adamWithL2GivesDl4jsParameters() {
    assertSameTraining(
        "mlp:784-64-10",
        new Architectures.Hyper(Architectures.UpdaterKind.adam, 0.01, 0.9, 1e-3, 0, 7),
        16,
        25);
  }

  @Test
  void convolutionsWithL2GiveDl4jsParameters() {
    assertSameTraining(
        "lenet5",
        new Architectures.Hyper(Architectures.UpdaterKind.nesterov, 0.05, 0.9, 5e-4, 0, 3),
        8,
        6);
  }

  @Test
  void aNetworkWithGradientNormalizationKeepsDl4jsUpdater() {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(1)
            .updater(new Nesterovs(0.1, 0.9))
            .gradientNormalization(GradientNormalization.ClipL2PerLayer)
            .gradientNormalizationThreshold(1.0)
            .list()
            .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).build())
            .layer(
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nIn(3)
                    .nOut(2)
                    .activation(Activation.SOFTMAX)
                    .build())
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    assertFalse(DirectUpdater.install(net));
    assertInstanceOf(MultiLayerUpdater.class, net.getUpdater());
    assertFalse(net.getUpdater() instanceof DirectUpdater);
  }

  private static void assertSameTraining(
      String model, Architectures.Hyper hyper, int batch, int steps) {
    var shape = new Architectures.DataShape(true, 784, List.of(1, 28, 28), 10);
    MultiLayerNetwork dl4j = new MultiLayerNetwork(Architectures.build(model, shape, hyper));
    dl4j.init();
    MultiLayerNetwork direct = dl4j.clone();
    assertTrue(DirectUpdater.install(direct), model);
    assertInstanceOf(DirectUpdater.class, direct.getUpdater());
    float[] before = dl4j.params().toFloatVector();
    for (DataSet d : minibatches(batch, steps)) {
      dl4j.fit(d);
      direct.fit(d);
      assertArrayEquals(dl4j.params().toFloatVector(), direct.params().toFloatVector(), model);
      assertArrayEquals(
          dl4j.getUpdater().getStateViewArray().toFloatVector(),
          direct.getUpdater().getStateViewArray().toFloatVector(),
          model);
    }
    assertNotEquals(before[0], direct.params().toFloatVector()[0], "the parameters moved");
    assertEquals(steps, ((DirectUpdater) direct.getUpdater()).directUpdates(), "direct updates");
  }

  private static List<DataSet> minibatches(int batch, int steps) {
    Random rng = new Random(11);
    List<DataSet> out = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      float[][] x = new float[batch][784];
      float[][] y = new float[batch][10];
      for (int i = 0; i < batch; i++) {
        for (int j = 0; j < 784; j++) {
          x[i][j] = rng.nextFloat();
        }
        y[i][rng.nextInt(10)] = 1f;
      }
      out.add(new DataSet(Nd4j.create(x), Nd4j.create(y)));
    }
    return out;
  }
}
