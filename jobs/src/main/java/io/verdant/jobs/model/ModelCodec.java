package io.verdant.jobs.model;

import io.verdant.common.VerdantException;
import io.verdant.common.modelfile.ModelFile;
import io.verdant.common.modelfile.ModelFileWriter;
import io.verdant.common.modelfile.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Between DL4J networks and Verdant model files: weight arrays as shared-value sparse tensors, the
 * rest float32.
 */
public final class ModelCodec {
  private ModelCodec() {}

  /**
   * How one weight array is stored: its quantization and the bits of codebook indices and of gaps
   * (0 = the smallest).
   */
  public record WeightCoding(SharedWeights quantized, int weightBits, int gapBits) {}

  /**
   * The model file of a network whose weight arrays in {@code coding} hold exactly the quantized
   * values (the caller sets them); other parameters are stored as float32.
   */
  public static ModelFile toModelFile(
      MultiLayerNetwork net, Map<String, WeightCoding> coding, String metadataJson) {
    float[] flat = NetParams.flat(net);
    List<Tensor> tensors = new ArrayList<>();
    for (NetParams.Param p : NetParams.params(net)) {
      WeightCoding c = coding.get(p.key());
      if (c == null) {
        tensors.add(
            Tensor.raw(
                p.key(), p.shape(), Arrays.copyOfRange(flat, p.offset(), p.offset() + p.length())));
        continue;
      }
      float[] expect = c.quantized().values();
      for (int i = 0; i < p.length(); i++) {
        if (Float.floatToRawIntBits(expect[i]) != Float.floatToRawIntBits(flat[p.offset() + i])
            && !(expect[i] == 0f && flat[p.offset() + i] == 0f)) {
          throw new IllegalStateException(
              p.key()
                  + "["
                  + i
                  + "] holds "
                  + flat[p.offset() + i]
                  + ", its code says "
                  + expect[i]);
        }
      }
      tensors.add(bestGapBits(p, c));
    }
    return new ModelFile(metadataJson, net.getLayerWiseConfigurations().toJson(), tensors);
  }

  /**
   * The gap width (1 to 8 bits) and traversal (flat order, or each dimension's stride) that make
   * this tensor's block smallest: e.g. a dense layer's column-major [nIn, nOut] weights visited
   * input by input, so that the zero weights of dead inputs (MNIST's border pixels) form long runs.
   */
  static Tensor bestGapBits(NetParams.Param p, WeightCoding c) {
    Tensor best = null;
    long bestBytes = Long.MAX_VALUE;
    java.util.Set<Integer> strides = new java.util.TreeSet<>();
    strides.add(1);
    long prefix = 1;
    for (int d : p.shape()) {
      prefix *= d;
      if (prefix < p.length() && p.length() % prefix == 0) {
        strides.add((int) prefix);
      }
    }
    long suffix = 1;
    for (int i = p.shape().length - 1; i >= 0; i--) {
      suffix *= p.shape()[i];
      if (suffix < p.length() && p.length() % suffix == 0) {
        strides.add((int) suffix);
      }
    }
    for (int stride : strides) {
      for (int g = 1; g <= Tensor.MAX_BITS; g++) {
        if (c.gapBits() > 0 && g != c.gapBits()) {
          continue;
        }
        Tensor t =
            Tensor.sparseShared(
                p.key(),
                p.shape(),
                c.quantized().codebook(),
                c.quantized().assignment(),
                c.weightBits(),
                g,
                stride);
        long bytes =
            ModelFileWriter.encode(new ModelFile("", "", List.of(t))).stats().get(0).blockBytes();
        if (bytes < bestBytes) {
          bestBytes = bytes;
          best = t;
        }
      }
    }
    return best;
  }

  /**
   * Rebuilds the DL4J network a model file describes; every tensor must match a parameter of the
   * configuration.
   */
  public static MultiLayerNetwork toNetwork(ModelFile file, String source) {
    MultiLayerConfiguration conf;
    try {
      conf = MultiLayerConfiguration.fromJson(file.configJson());
    } catch (RuntimeException e) {
      throw VerdantException.of(
          "%s: the configuration block is not a DL4J MultiLayerConfiguration: %s",
          source, e.getMessage());
    }
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    // Initialize on a zero vector (the values come from the file): no random weight initialization.
    long numParams = 0;
    for (int i = 0; i < conf.getConfs().size(); i++) {
      numParams += conf.getConf(i).getLayer().initializer().numParams(conf.getConf(i));
    }
    if (numParams < 1 || numParams != file.parameterCount()) {
      throw VerdantException.of(
          "%s: the configuration has %d parameters, the tensors hold %d",
          source, numParams, file.parameterCount());
    }
    net.init(Nd4j.zeros(DataType.FLOAT, 1, numParams), false);
    Map<String, NetParams.Param> byKey = new HashMap<>();
    for (NetParams.Param p : NetParams.params(net)) {
      byKey.put(p.key(), p);
    }
    float[] flat = new float[(int) net.numParams()];
    for (Tensor t : file.tensors()) {
      NetParams.Param p = byKey.remove(t.name());
      if (p == null) {
        throw VerdantException.of(
            "%s: tensor %s is not a parameter of the network (or appears twice)", source, t.name());
      }
      if (!Arrays.equals(p.shape(), t.shape())) {
        throw VerdantException.of(
            "%s: tensor %s has shape %s, the network's parameter has %s",
            source, t.name(), Arrays.toString(t.shape()), Arrays.toString(p.shape()));
      }
      System.arraycopy(t.values(), 0, flat, p.offset(), p.length());
    }
    if (!byKey.isEmpty()) {
      throw VerdantException.of(
          "%s: no tensor for the network's parameters %s", source, byKey.keySet());
    }
    NetParams.set(net, flat);
    return net;
  }
}
