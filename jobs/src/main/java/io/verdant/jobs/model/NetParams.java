package io.verdant.jobs.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network's parameters as one flat float32 vector (DL4J's flattened parameter order) and, per
 * parameter array, its name, shape and place in that vector. Weight arrays ({@code <layer>_W}) are
 * what compression prunes and quantizes; biases stay float32.
 */
public final class NetParams {
  /**
   * One parameter array: its key ({@code 0_W}), DL4J layer index, shape, offset and length in the
   * flat vector.
   */
  public record Param(
      String key, int layer, int[] shape, int offset, int length, boolean weight, boolean conv) {
    public String layerName() {
      return "layer" + layer;
    }
  }

  private NetParams() {}

  public static List<Param> params(MultiLayerNetwork net) {
    INDArray flat = net.params();
    long base = flat.offset();
    List<Param> out = new ArrayList<>();
    for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
      String key = e.getKey();
      INDArray v = e.getValue();
      int us = key.indexOf('_');
      int layer = Integer.parseInt(key.substring(0, us));
      String name = key.substring(us + 1);
      long[] s = v.shape();
      int[] shape = new int[s.length];
      for (int i = 0; i < s.length; i++) {
        shape[i] = (int) s[i];
      }
      boolean conv =
          net.getLayerWiseConfigurations().getConf(layer).getLayer() instanceof ConvolutionLayer;
      out.add(
          new Param(
              key,
              layer,
              shape,
              (int) (v.offset() - base),
              (int) v.length(),
              name.equals("W"),
              conv));
    }
    out.sort((a, b) -> Integer.compare(a.offset(), b.offset()));
    return out;
  }

  public static List<Param> weights(MultiLayerNetwork net) {
    return params(net).stream().filter(Param::weight).toList();
  }

  /** A copy of the flat parameter vector. */
  public static float[] flat(MultiLayerNetwork net) {
    return net.params().dup().data().asFloat();
  }

  /** Replaces every parameter with the flat vector's values. */
  public static void set(MultiLayerNetwork net, float[] flat) {
    if (flat.length != net.numParams()) {
      throw new IllegalArgumentException(
          flat.length + " values for a network of " + net.numParams() + " parameters");
    }
    net.setParams(Nd4j.create(flat, new long[] {1, flat.length}, 'c'));
  }

  /** A new network of the same configuration holding the given parameters. */
  public static MultiLayerNetwork copyWith(MultiLayerNetwork net, float[] flat) {
    MultiLayerNetwork c = new MultiLayerNetwork(net.getLayerWiseConfigurations().clone());
    c.init();
    set(c, flat);
    return c;
  }
}
