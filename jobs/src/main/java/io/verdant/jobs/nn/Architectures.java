package io.verdant.jobs.nn;

import io.verdant.common.VerdantException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The network architectures Verdant trains, by name:
 *
 * <ul>
 *   <li>{@code lenet-300-100}: 784-300-100-10 MLP, ReLU, softmax (Han et al.'s LeNet-300-100)
 *   <li>{@code lenet5}: conv 5x5x20, max-pool 2x2, conv 5x5x50, max-pool 2x2, dense 500 ReLU,
 *       softmax (Caffe's LeNet)
 *   <li>{@code mlp:<sizes>}: an MLP with ReLU hidden layers, e.g. {@code mlp:784-128-10}; the first
 *       size is the input width, the last the class count (1 for regression)
 *   <li>{@code linear}: logistic (softmax) regression for classification, linear regression (MSE)
 *       otherwise
 * </ul>
 *
 * Every architecture takes its input width and class count from the dataset, and refuses a dataset
 * whose shape does not fit it, before any training.
 */
public final class Architectures {
  public static final List<String> NAMES =
      List.of("lenet-300-100", "lenet5", "mlp:<sizes>", "linear");

  public enum UpdaterKind {
    sgd,
    nesterov,
    adam
  }

  /** What the dataset gives the architecture: its task, feature count, shape and class count. */
  public record DataShape(
      boolean classification, int featureCount, List<Integer> shape, int numClasses) {
    int outputs() {
      return classification ? numClasses : 1;
    }
  }

  /** Training hyperparameters that live in the network configuration. */
  public record Hyper(
      UpdaterKind updater,
      double learningRate,
      double momentum,
      double l2,
      double dropout,
      long seed) {}

  private Architectures() {}

  /** Checks the name's syntax only (no dataset needed); the message names {@code --model}. */
  public static void checkName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.equals("lenet-300-100") || n.equals("lenet5") || n.equals("linear")) {
      return;
    }
    if (n.startsWith("mlp:")) {
      mlpSizes(n);
      return;
    }
    throw VerdantException.of(
        "--model must be one of %s, cannot be: %s", String.join(", ", NAMES), name);
  }

  static List<Integer> mlpSizes(String n) {
    String spec = n.substring("mlp:".length());
    String[] parts = spec.split("-", -1);
    if (parts.length < 2) {
      throw VerdantException.of(
          "--model mlp:<sizes> needs at least an input and an output size, e.g. mlp:784-128-10, cannot be: %s",
          n);
    }
    List<Integer> sizes = new ArrayList<>();
    for (String p : parts) {
      int v = intOrZero(p.trim());
      if (v < 1) {
        throw VerdantException.of(
            "--model mlp:<sizes> takes positive integers joined by '-', e.g. mlp:784-128-10, cannot be: %s",
            n);
      }
      sizes.add(v);
    }
    return sizes;
  }

  /** The integer {@code s} says, or 0 when it is not one. */
  private static int intOrZero(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Checks that the architecture fits the dataset; the message names the model, the dataset's shape
   * and the rule.
   */
  public static void checkFits(String name, DataShape d, String dataName) {
    String n = name.toLowerCase(Locale.ROOT);
    switch (n) {
      case "lenet-300-100" -> {
        if (!d.classification() || d.featureCount() != 784 || d.numClasses() != 10) {
          throw VerdantException.of(
              "--model lenet-300-100 needs a classification table with 784 features and 10 classes; %s has %s",
              dataName, describe(d));
        }
      }
      case "lenet5" -> {
        List<Integer> s = d.shape();
        if (!d.classification() || s == null || s.size() != 3 || s.get(1) < 12 || s.get(2) < 12) {
          throw VerdantException.of(
              "--model lenet5 needs a classification table of images with shape [channels, height, width], height and width at least 12; %s has %s",
              dataName, describe(d));
        }
      }
      case "linear" -> {}
      default -> {
        List<Integer> sizes = mlpSizes(n);
        if (sizes.get(0) != d.featureCount()) {
          throw VerdantException.of(
              "--model %s takes %d input features, but %s has %d",
              name, sizes.get(0), dataName, d.featureCount());
        }
        int last = sizes.get(sizes.size() - 1);
        if (last != d.outputs()) {
          throw VerdantException.of(
              "--model %s has %d outputs, but %s needs %d (%s)",
              name,
              last,
              dataName,
              d.outputs(),
              d.classification() ? d.numClasses() + " classes" : "regression");
        }
      }
    }
  }

  private static String describe(DataShape d) {
    return (d.classification() ? "classification, " + d.numClasses() + " classes" : "regression")
        + ", "
        + d.featureCount()
        + " features, shape "
        + d.shape();
  }

  public static IUpdater updater(Hyper h) {
    return switch (h.updater()) {
      case sgd -> new Sgd(h.learningRate());
      case nesterov -> new Nesterovs(h.learningRate(), h.momentum());
      case adam -> new Adam(h.learningRate());
    };
  }

  /**
   * The configuration of a named architecture for a dataset (checked with {@link #checkFits}
   * first).
   */
  public static MultiLayerConfiguration build(String name, DataShape d, Hyper h) {
    String n = name.toLowerCase(Locale.ROOT);
    NeuralNetConfiguration.Builder base =
        new NeuralNetConfiguration.Builder()
            .seed(h.seed())
            .dataType(DataType.FLOAT)
            .updater(updater(h))
            .weightInit(WeightInit.XAVIER)
            .trainingWorkspaceMode(WorkspaceMode.ENABLED)
            .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
    if (h.l2() > 0) {
      base.l2(h.l2());
    }
    return switch (n) {
      case "lenet-300-100" -> mlp(base, List.of(784, 300, 100, 10), d, h);
      case "linear" -> mlp(base, List.of(d.featureCount(), d.outputs()), d, h);
      case "lenet5" -> lenet5(base, d, h);
      default -> mlp(base, mlpSizes(n), d, h);
    };
  }

  private static MultiLayerConfiguration mlp(
      NeuralNetConfiguration.Builder base, List<Integer> sizes, DataShape d, Hyper h) {
    NeuralNetConfiguration.ListBuilder list = base.list();
    int i = 0;
    for (; i < sizes.size() - 2; i++) {
      DenseLayer.Builder b =
          new DenseLayer.Builder()
              .nIn(sizes.get(i))
              .nOut(sizes.get(i + 1))
              .activation(Activation.RELU)
              .weightInit(WeightInit.RELU);
      if (h.dropout() > 0) {
        b.dropOut(new Dropout(1.0 - h.dropout()));
      }
      list.layer(b.build());
    }
    list.layer(output(sizes.get(i), sizes.get(i + 1), d));
    return list.setInputType(InputType.feedForward(sizes.get(0))).build();
  }

  private static OutputLayer output(int nIn, int nOut, DataShape d) {
    return d.classification()
        ? new OutputLayer.Builder(LossFunction.MCXENT)
            .nIn(nIn)
            .nOut(nOut)
            .activation(Activation.SOFTMAX)
            .build()
        : new OutputLayer.Builder(LossFunction.MSE)
            .nIn(nIn)
            .nOut(nOut)
            .activation(Activation.IDENTITY)
            .build();
  }

  /** LeNet-5's convolution: 5x5 kernels, stride 1, {@code nOut} channels. */
  private static ConvolutionLayer conv5x5(int nOut) {
    return new ConvolutionLayer.Builder(5, 5)
        .nOut(nOut)
        .stride(1, 1)
        .activation(Activation.IDENTITY)
        .build();
  }

  /** LeNet-5's pooling: the maximum of 2x2 windows, stride 2. */
  private static SubsamplingLayer maxPool2x2() {
    return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
        .kernelSize(2, 2)
        .stride(2, 2)
        .build();
  }

  private static MultiLayerConfiguration lenet5(
      NeuralNetConfiguration.Builder base, DataShape d, Hyper h) {
    List<Integer> s = d.shape();
    DenseLayer.Builder dense =
        new DenseLayer.Builder().nOut(500).activation(Activation.RELU).weightInit(WeightInit.RELU);
    if (h.dropout() > 0) {
      dense.dropOut(new Dropout(1.0 - h.dropout()));
    }
    return base.list()
        .layer(conv5x5(20))
        .layer(maxPool2x2())
        .layer(conv5x5(50))
        .layer(maxPool2x2())
        .layer(dense.build())
        .layer(
            new OutputLayer.Builder(LossFunction.MCXENT)
                .nOut(d.numClasses())
                .activation(Activation.SOFTMAX)
                .build())
        // Features stay flat rows (channels x height x width) in every minibatch; the network
        // reshapes them.
        .setInputType(InputType.convolutionalFlat(s.get(1), s.get(2), s.get(0)))
        .build();
  }
}
