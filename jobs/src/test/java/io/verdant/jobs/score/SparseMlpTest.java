package io.verdant.jobs.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.verdant.common.modelfile.ModelFile;
import io.verdant.common.modelfile.ModelFileWriter;
import io.verdant.jobs.compress.TestModels;
import io.verdant.jobs.model.ModelCodec;
import io.verdant.jobs.model.NetParams;
import io.verdant.jobs.model.SharedWeights;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The compressed model's own forward pass against DL4J's on the same decoded weights: a pruned,
 * weight-shared MLP scored from its model file's sparse form, and a convolutional network, which
 * falls back to DL4J.
 */
class SparseMlpTest {
  /**
   * 20-16-12-3 with ReLU, tanh and softmax: every weight pruned to 30% and shared among 15 values
   * plus zero.
   */
  private static MultiLayerNetwork sharedMlp(long seed) {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .dataType(DataType.FLOAT)
            .weightInit(WeightInit.XAVIER)
            .list()
            .layer(new DenseLayer.Builder().nIn(20).nOut(16).activation(Activation.RELU).build())
            .layer(new DenseLayer.Builder().nIn(16).nOut(12).activation(Activation.TANH).build())
            .layer(
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nIn(12)
                    .nOut(3)
                    .activation(Activation.SOFTMAX)
                    .build())
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * Quantizes every weight array of {@code net} in place and returns the codings the model file
   * stores.
   */
  private static Map<String, ModelCodec.WeightCoding> share(MultiLayerNetwork net) {
    float[] flat = NetParams.flat(net);
    Map<String, ModelCodec.WeightCoding> coding = new HashMap<>();
    for (NetParams.Param p : NetParams.weights(net)) {
      float max = 0f;
      for (int i = 0; i < p.length(); i++) {
        max = Math.max(max, Math.abs(flat[p.offset() + i]));
      }
      float[] codebook = new float[16];
      for (int k = 1; k < 16; k++) {
        codebook[k] = -max + 2 * max * (k - 1) / 14f;
      }
      codebook[8] = max / 100f;
      int[] assignment = new int[p.length()];
      for (int i = 0; i < p.length(); i++) {
        float w = flat[p.offset() + i];
        assignment[i] = Math.abs(w) < 0.7f * max ? 0 : nearest(codebook, w);
        flat[p.offset() + i] = codebook[assignment[i]];
      }
      coding.put(
          p.key(), new ModelCodec.WeightCoding(new SharedWeights(codebook, assignment), 4, 0));
    }
    NetParams.set(net, flat);
    return coding;
  }

  private static int nearest(float[] codebook, float w) {
    int best = 1;
    for (int k = 2; k < codebook.length; k++) {
      if (Math.abs(codebook[k] - w) < Math.abs(codebook[best] - w)) {
        best = k;
      }
    }
    return best;
  }

  private static float[] rows(int n, int features, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * features];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat() < 0.3f ? 0f : (float) r.nextGaussian();
    }
    return x;
  }

  private static byte[] encode(MultiLayerNetwork net, Map<String, ModelCodec.WeightCoding> coding) {
    ModelFile file = ModelCodec.toModelFile(net, coding, "{}");
    return ModelFileWriter.encode(file).bytes();
  }

  @Test
  void sparseForwardPassEqualsDl4jOnTheDecodedWeights() {
    MultiLayerNetwork net = sharedMlp(3);
    byte[] bytes = encode(net, share(net));
    CompiledModel m = CompiledModel.decode(bytes, true, "shared.vdcm");
    assertEquals("sparse-csc", m.engine());
    assertEquals(20, m.inputs());
    assertEquals(3, m.outputs());
    int n = 37;
    float[] x = rows(n, 20, 5);
    float[] expected =
        net.output(Nd4j.create(x, new long[] {n, 20}, 'c'), false).dup('c').data().asFloat();
    // A batch buffer larger than the rows, as the last batch of a partition has.
    float[] buffer = java.util.Arrays.copyOf(x, 64 * 20);
    float[] actual = m.newScorer(64).forward(buffer, n);
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5f, "output " + i);
    }
    assertArrayEquals(KernelTimings.argmax(expected, 3), KernelTimings.argmax(actual, 3));
    // Kept weights only: 30% of 20*16 + 16*12 + 12*3 = 548 at most.
    SparseMlp sparse =
        SparseMlp.of(io.verdant.common.modelfile.ModelFileReader.decode(bytes, "x").model());
    assertNotNull(sparse);
    long all = 20 * 16 + 16 * 12 + 12 * 3;
    long kept = sparse.multiplyAdds();
    assertEquals(true, kept > 0 && kept < 0.5 * all, "kept " + kept + " of " + all);
  }

  @Test
  void convolutionalNetworkIsScoredByDl4j() {
    MultiLayerNetwork net = TestModels.lenet5(7, 4, 8, 32);
    byte[] bytes = encode(net, Map.of());
    assertNull(
        SparseMlp.of(io.verdant.common.modelfile.ModelFileReader.decode(bytes, "x").model()));
    CompiledModel m = CompiledModel.decode(bytes, true, "lenet5.vdcm");
    assertEquals("dl4j", m.engine());
    assertEquals(784, m.inputs());
    float[] x = rows(5, 784, 9);
    float[] expected =
        net.output(Nd4j.create(x, new long[] {5, 784}, 'c'), false).dup('c').data().asFloat();
    assertArrayEquals(
        expected, m.newScorer(8).forward(java.util.Arrays.copyOf(x, 8 * 784), 5), 1e-6f);
  }

  @Test
  void eachModelIsDecodedOncePerJvm() {
    MultiLayerNetwork net = sharedMlp(11);
    byte[] bytes = encode(net, share(net));
    String sha = io.verdant.common.Checksums.sha256(bytes);
    long before = ModelCache.decodes();
    CompiledModel first = ModelCache.get(sha, () -> CompiledModel.decode(bytes, true, "a"));
    for (int task = 0; task < 5; task++) {
      assertEquals(first, ModelCache.get(sha, () -> CompiledModel.decode(bytes, true, "a")));
    }
    assertEquals(before + 1, ModelCache.decodes());
  }
}
