package io.verdant.jobs.score;

import io.verdant.common.modelfile.ModelFile;
import io.verdant.common.modelfile.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;

/**
 * A compressed multilayer perceptron scored from its compressed form: every layer a {@link
 * CscLayer} over its codebook, the activations applied here. Covers networks of dense and output
 * layers whose weights are all stored as shared values, with identity, ReLU, sigmoid, tanh or
 * softmax activations (lenet-300-100, mlp:, linear).
 */
final class SparseMlp implements CompiledModel {
  private final List<CscLayer> layers;

  private SparseMlp(List<CscLayer> layers) {
    this.layers = layers;
  }

  /**
   * The sparse form of a model file's network, or null when it has a layer the sparse path does not
   * cover.
   */
  static SparseMlp of(ModelFile file) {
    MultiLayerConfiguration conf;
    try {
      conf = MultiLayerConfiguration.fromJson(file.configJson());
    } catch (RuntimeException e) {
      return null;
    }
    if (!conf.getInputPreProcessors().isEmpty()) {
      return null;
    }
    Map<String, Tensor> tensors = new HashMap<>();
    file.tensors().forEach(t -> tensors.put(t.name(), t));
    List<CscLayer> layers = new ArrayList<>();
    for (int i = 0; i < conf.getConfs().size(); i++) {
      CscLayer l = layer(conf.getConf(i).getLayer(), tensors.get(i + "_W"), tensors.get(i + "_b"));
      if (l == null || (i > 0 && l.inputs() != layers.get(i - 1).outputs())) {
        return null;
      }
      layers.add(l);
    }
    for (int i = 0; i < layers.size() - 1; i++) {
      if (layers.get(i).activation() == Activation.SOFTMAX) {
        return null;
      }
    }
    return layers.isEmpty() ? null : new SparseMlp(List.copyOf(layers));
  }

  private static CscLayer layer(Layer layer, Tensor w, Tensor b) {
    if (!(layer instanceof DenseLayer || layer instanceof OutputLayer)
        || w == null
        || w.encoding() != Tensor.Encoding.SPARSE_SHARED
        || w.shape().length != 2) {
      return null;
    }
    FeedForwardLayer ff = (FeedForwardLayer) layer;
    Activation act = Activation.of(((BaseLayer) layer).getActivationFn());
    if (act == null || w.shape()[0] != ff.getNIn() || w.shape()[1] != ff.getNOut()) {
      return null;
    }
    float[] bias = b == null ? new float[(int) ff.getNOut()] : b.values();
    return bias.length == ff.getNOut() ? CscLayer.of(w, bias, act) : null;
  }

  @Override
  public String engine() {
    return "sparse-csc";
  }

  @Override
  public int inputs() {
    return layers.get(0).inputs();
  }

  @Override
  public int outputs() {
    return layers.get(layers.size() - 1).outputs();
  }

  /** Multiply-adds per row: the weights kept. */
  long multiplyAdds() {
    return layers.stream().mapToLong(CscLayer::kept).sum();
  }

  @Override
  public Scorer newScorer(int batchSize) {
    int widest = layers.stream().mapToInt(l -> Math.max(l.inputs(), l.outputs())).max().orElse(1);
    float[][] a = new float[widest][batchSize];
    float[][] b = new float[widest][batchSize];
    return (x, n) -> forward(x, n, a, b);
  }

  /** The batch is turned feature-major, passed through the layers, and turned back to rows. */
  private float[] forward(float[] x, int n, float[][] a, float[][] b) {
    int in = inputs();
    for (int t = 0; t < n; t++) {
      for (int i = 0, r = t * in; i < in; i++) {
        a[i][t] = x[r + i];
      }
    }
    float[][] cur = a;
    float[][] next = b;
    for (CscLayer l : layers) {
      l.forward(cur, next, n);
      float[][] s = cur;
      cur = next;
      next = s;
    }
    CscLayer last = layers.get(layers.size() - 1);
    int out = last.outputs();
    float[] y = new float[n * out];
    for (int t = 0; t < n; t++) {
      for (int j = 0; j < out; j++) {
        y[t * out + j] = cur[j][t];
      }
      if (last.activation() == Activation.SOFTMAX) {
        Activation.softmax(y, t * out, out);
      }
    }
    return y;
  }
}
