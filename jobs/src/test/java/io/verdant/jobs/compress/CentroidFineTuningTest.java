package io.verdant.jobs.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.verdant.jobs.model.ModelCodec;
import io.verdant.jobs.model.NetParams;
import io.verdant.jobs.model.SharedWeights;
import io.verdant.testing.LocalSpark;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The Spark fine-tuning of shared values against the same rule computed in one JVM. */
class CentroidFineTuningTest {
  private static final double LR = 0.05;

  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = JavaSparkContext.fromSparkContext(LocalSpark.start("centroid-fine-tuning").sparkContext());
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  private static MultiLayerNetwork mlp() {
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .seed(3)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(8).activation(Activation.RELU).build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(8)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
    net.init();
    return net;
  }

  /** Minibatches of a learnable 3-class problem on 20 features. */
  private static List<DataSet> minibatches(int count, int batch, long seed) {
    Random rnd = new Random(seed);
    List<DataSet> out = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      float[][] x = new float[batch][20];
      float[][] y = new float[batch][3];
      for (int i = 0; i < batch; i++) {
        int c = rnd.nextInt(3);
        for (int j = 0; j < 20; j++) {
          x[i][j] = (float) (rnd.nextGaussian() * 0.5 + (j % 3 == c ? 1.0 : 0.0));
        }
        y[i][c] = 1f;
      }
      out.add(new DataSet(Nd4j.create(x), Nd4j.create(y)));
    }
    return out;
  }

  /**
   * One step in this JVM: each centroid moves by -lr times its weights' gradient summed and
   * averaged over minibatches.
   */
  private static void step(
      MultiLayerNetwork template,
      float[] flat,
      List<NetParams.Param> weights,
      Map<String, ModelCodec.WeightCoding> coding,
      List<DataSet> batches) {
    MultiLayerNetwork net = NetParams.copyWith(template, flat);
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (DataSet d : batches) {
      net.setInput(d.getFeatures());
      net.setLabels(d.getLabels());
      net.computeGradientAndScore();
      float[] g = net.getFlattenedGradients().dup().data().asFloat();
      for (NetParams.Param p : weights) {
        int[] a = coding.get(p.key()).quantized().assignment();
        double[] s =
            sums.computeIfAbsent(
                p.key(), k -> new double[coding.get(k).quantized().codebook().length]);
        for (int j = 0; j < a.length; j++) {
          s[a[j]] += g[p.offset() + j];
        }
      }
    }
    for (NetParams.Param p : weights) {
      ModelCodec.WeightCoding wc = coding.get(p.key());
      float[] cb = wc.quantized().codebook().clone();
      for (int c = 1; c < cb.length; c++) {
        cb[c] = (float) (cb[c] - LR * sums.get(p.key())[c] / batches.size());
      }
      SharedWeights q = new SharedWeights(cb, wc.quantized().assignment());
      System.arraycopy(q.values(), 0, flat, p.offset(), p.length());
      coding.put(p.key(), new ModelCodec.WeightCoding(q, wc.weightBits(), wc.gapBits()));
    }
  }

  @Test
  void centroidsMoveByTheirWeightsSummedGradient() {
    MultiLayerNetwork net = mlp();
    Map<String, ModelCodec.WeightCoding> quantized = ModelCodecTest.compress(net, 0.5, 3, 3);
    List<NetParams.Param> weights = NetParams.weights(net);
    float[] start = NetParams.flat(net);
    List<DataSet> batches = minibatches(6, 16, 9);

    float[] flat = start.clone();
    Map<String, ModelCodec.WeightCoding> coding = new LinkedHashMap<>(quantized);
    CentroidFineTuning.run(
        sc, net, flat, weights, coding, sc.parallelize(batches, 2), LR, 2, 1.0, 1);

    float[] expectedFlat = start.clone();
    Map<String, ModelCodec.WeightCoding> expected = new LinkedHashMap<>(quantized);
    step(net, expectedFlat, weights, expected, batches);
    step(net, expectedFlat, weights, expected, batches);

    for (NetParams.Param p : weights) {
      float[] cb = coding.get(p.key()).quantized().codebook();
      float[] before = quantized.get(p.key()).quantized().codebook();
      assertArrayEquals(expected.get(p.key()).quantized().codebook(), cb, 1e-6f, p.key());
      assertEquals(0f, cb[0], p.key() + ": the pruned value moved");
      assertNotEquals(before[1], cb[1], p.key() + ": a centroid did not move");
      assertSame(
          quantized.get(p.key()).quantized().assignment(),
          coding.get(p.key()).quantized().assignment());
      assertEquals(quantized.get(p.key()).weightBits(), coding.get(p.key()).weightBits());
    }
    // The flat vector holds the new shared values; biases are untouched.
    assertArrayEquals(expectedFlat, flat, 1e-6f);
    for (NetParams.Param p : NetParams.params(net)) {
      if (!p.weight()) {
        for (int j = p.offset(); j < p.offset() + p.length(); j++) {
          assertEquals(start[j], flat[j], p.key());
        }
      }
    }
  }

  @Test
  void anEmptySampleChangesNothing() {
    MultiLayerNetwork net = mlp();
    Map<String, ModelCodec.WeightCoding> coding =
        new LinkedHashMap<>(ModelCodecTest.compress(net, 0.5, 3, 3));
    Map<String, ModelCodec.WeightCoding> before = new LinkedHashMap<>(coding);
    float[] flat = NetParams.flat(net);
    float[] start = flat.clone();
    JavaRDD<DataSet> none = sc.parallelize(new ArrayList<DataSet>(), 2);
    CentroidFineTuning.run(sc, net, flat, NetParams.weights(net), coding, none, LR, 3, 1.0, 1);
    assertEquals(before, coding);
    assertArrayEquals(start, flat);
  }
}
