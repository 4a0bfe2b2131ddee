package io.verdant.jobs.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.VerdantException;
import io.verdant.common.modelfile.ModelFile;
import io.verdant.common.modelfile.ModelFileReader;
import io.verdant.common.modelfile.ModelFileWriter;
import io.verdant.jobs.model.ModelCodec;
import io.verdant.jobs.model.NetParams;
import io.verdant.jobs.model.SharedWeights;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelCodecTest {
  /**
   * Prunes and quantizes every weight array; returns the coding and leaves the network holding the
   * quantized values.
   */
  static Map<String, ModelCodec.WeightCoding> compress(
      MultiLayerNetwork net, double sparsity, int denseBits, int convBits) {
    float[] flat = NetParams.flat(net);
    float[] mask = Pruning.ones(flat.length);
    Map<String, ModelCodec.WeightCoding> coding = new LinkedHashMap<>();
    for (NetParams.Param p : NetParams.weights(net)) {
      Pruning.prune(flat, mask, p.offset(), p.length(), sparsity);
      int bits = p.conv() ? convBits : denseBits;
      SharedWeights q =
          WeightSharing.kmeans(
              java.util.Arrays.copyOfRange(flat, p.offset(), p.offset() + p.length()), bits, 30);
      System.arraycopy(q.values(), 0, flat, p.offset(), p.length());
      coding.put(p.key(), new ModelCodec.WeightCoding(q, bits, 0));
    }
    NetParams.set(net, flat);
    return coding;
  }

  private static void assertBitExact(MultiLayerNetwork a, MultiLayerNetwork b, int features) {
    float[] x = NetParams.flat(a);
    float[] y = NetParams.flat(b);
    assertEquals(x.length, y.length);
    for (int i = 0; i < x.length; i++) {
      assertTrue(
          Float.floatToRawIntBits(x[i]) == Float.floatToRawIntBits(y[i])
              || (x[i] == 0f && y[i] == 0f),
          "param " + i);
    }
    INDArray in = Nd4j.rand(new int[] {64, features});
    assertArrayEquals(a.output(in).data().asFloat(), b.output(in).data().asFloat());
  }

  @Test
  void lenet300100RoundTripsBitExactly() {
    MultiLayerNetwork net = TestModels.lenet300100(1);
    Map<String, ModelCodec.WeightCoding> coding = compress(net, 0.9, 5, 8);
    ModelFileWriter.Encoded e =
        ModelFileWriter.encode(
            ModelCodec.toModelFile(net, coding, "{\"architecture\":\"lenet-300-100\"}"));
    MultiLayerNetwork back =
        ModelCodec.toNetwork(ModelFileReader.decode(e.bytes(), "m").model(), "m");
    assertBitExact(net, back, 784);
    double ratio = 4.0 * net.numParams() / e.bytes().length;
    assertTrue(ratio > 20, "ratio " + ratio);
    assertEquals(0.9, 1 - e.stats().get(0).keptFraction(), 1e-3);
  }

  @Test
  void lenet5RoundTripsBitExactly() {
    MultiLayerNetwork net = TestModels.lenet5(2, 20, 50, 500);
    assertEquals(431_080, net.numParams());
    Map<String, ModelCodec.WeightCoding> coding = compress(net, 0.8, 5, 8);
    ModelFileWriter.Encoded e = ModelFileWriter.encode(ModelCodec.toModelFile(net, coding, "{}"));
    MultiLayerNetwork back =
        ModelCodec.toNetwork(ModelFileReader.decode(e.bytes(), "m").model(), "m");
    assertBitExact(net, back, 784);
  }

  @Test
  void tensorsThatDoNotFitTheConfigurationAreRejected() {
    MultiLayerNetwork net = TestModels.lenet300100(1);
    ModelFile f = ModelCodec.toModelFile(net, Map.of(), "{}");
    ModelFile wrong =
        new ModelFile(
            "{}",
            TestModels.lenet5(1, 4, 8, 16).getLayerWiseConfigurations().toJson(),
            f.tensors());
    VerdantException ex =
        assertThrows(VerdantException.class, () -> ModelCodec.toNetwork(wrong, "m.vdcm"));
    assertEquals(
        "m.vdcm: the configuration has 3146 parameters, the tensors hold 266610", ex.getMessage());
    // Same parameter count, other shapes: 784-300 and 300-784 dense layers.
    org.deeplearning4j.nn.conf.MultiLayerConfiguration swapped =
        new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
            .list()
            .layer(
                new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder()
                    .nIn(300)
                    .nOut(784)
                    .build())
            .layer(
                new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder()
                    .nIn(784)
                    .nOut(100)
                    .build())
            .layer(
                new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder()
                    .nIn(100)
                    .nOut(10)
                    .build())
            .build();
    ModelFile shapes =
        new ModelFile(
            "{}",
            swapped.toJson(),
            java.util.List.of(
                io.verdant.common.modelfile.Tensor.raw(
                    "0_W", new int[] {784, 300}, new float[235200]),
                io.verdant.common.modelfile.Tensor.raw("0_b", new int[] {1, 300}, new float[300]),
                io.verdant.common.modelfile.Tensor.raw(
                    "1_W", new int[] {300, 100}, new float[30000]),
                io.verdant.common.modelfile.Tensor.raw("1_b", new int[] {1, 100}, new float[100]),
                f.tensors().get(4),
                f.tensors().get(5),
                io.verdant.common.modelfile.Tensor.raw(
                    "pad", new int[] {1, 484 * 100 + 484}, new float[484 * 100 + 484])));
    ex = assertThrows(VerdantException.class, () -> ModelCodec.toNetwork(shapes, "m.vdcm"));
    assertEquals(
        "m.vdcm: tensor 0_W has shape [784, 300], the network's parameter has [300, 784]",
        ex.getMessage());
    ModelFile notConf = new ModelFile("{}", "{\"not\":\"a configuration\"}", f.tensors());
    ex = assertThrows(VerdantException.class, () -> ModelCodec.toNetwork(notConf, "m.vdcm"));
    assertTrue(ex.getMessage().startsWith("m.vdcm: "), ex.getMessage());
    ModelFile missing = new ModelFile("{}", f.configJson(), f.tensors().subList(0, 2));
    ex = assertThrows(VerdantException.class, () -> ModelCodec.toNetwork(missing, "m.vdcm"));
    assertEquals(
        "m.vdcm: the configuration has 266610 parameters, the tensors hold 235500",
        ex.getMessage());
    java.util.List<io.verdant.common.modelfile.Tensor> twice =
        new java.util.ArrayList<>(f.tensors().subList(0, 5));
    twice.add(io.verdant.common.modelfile.Tensor.raw("0_b", new int[] {1, 10}, new float[10]));
    ModelFile dup = new ModelFile("{}", f.configJson(), twice);
    ex = assertThrows(VerdantException.class, () -> ModelCodec.toNetwork(dup, "m.vdcm"));
    assertEquals(
        "m.vdcm: tensor 0_b is not a parameter of the network (or appears twice)", ex.getMessage());
  }

  @Test
  void pruneCyclesFollowTheCubicScheduleAndEndAtTheTarget() {
    assertEquals(1.0, Compressor.cycleFraction(1, 1), 0);
    assertEquals(0.875, Compressor.cycleFraction(1, 2), 1e-12);
    assertEquals(1.0, Compressor.cycleFraction(2, 2), 0);
    assertEquals(19.0 / 27, Compressor.cycleFraction(1, 3), 1e-12);
    assertEquals(26.0 / 27, Compressor.cycleFraction(2, 3), 1e-12);
    assertEquals(1.0, Compressor.cycleFraction(3, 3), 0);
  }

  @Test
  void pruningHitsTheTargetAndWeightSharingKeepsZerosAndCentroids() {
    float[] w = new float[1000];
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    float[] mask = Pruning.ones(w.length);
    Pruning.prune(w, mask, 0, w.length, 0.75);
    assertEquals(0.75, Pruning.sparsity(w, 0, w.length), 1e-9);
    SharedWeights q = WeightSharing.kmeans(w, 3, 50);
    assertEquals(8, q.codebook().length);
    float[] v = q.values();
    for (int i = 0; i < w.length; i++) {
      assertEquals(w[i] == 0f, v[i] == 0f, "position " + i);
    }
    SharedWeights u = WeightSharing.uniform(w, 3);
    assertEquals(7, u.codebook().length);
    float[] uv = u.values();
    for (int i = 0; i < w.length; i++) {
      assertEquals(w[i] == 0f, uv[i] == 0f, "position " + i);
    }
  }
}
