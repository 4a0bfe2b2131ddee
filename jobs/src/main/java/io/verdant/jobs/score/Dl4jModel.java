package io.verdant.jobs.score;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model scored by DL4J: trained models, and compressed networks with layers the sparse path does
 * not cover (convolutions), decoded to their dense weights. Each task's scorer is a network of its
 * own over the one copy of the parameters, since a DL4J network is not safe to use from two
 * threads.
 */
final class Dl4jModel implements CompiledModel {
  static final String ENGINE = "dl4j";
  private final MultiLayerConfiguration conf;
  private final INDArray params;
  private final int inputs;
  private final int outputs;

  Dl4jModel(MultiLayerNetwork net) {
    this.conf = net.getLayerWiseConfigurations();
    this.params = net.params();
    this.inputs = inputWidth(net);
    this.outputs = net.layerSize(net.getnLayers() - 1);
  }

  /**
   * The features of one row: a convolutional network's flat image (height x width x channels), else
   * the first layer's inputs.
   */
  static int inputWidth(MultiLayerNetwork net) {
    if (net.getLayerWiseConfigurations().getInputPreProcess(0)
        instanceof FeedForwardToCnnPreProcessor p) {
      return (int) (p.getInputHeight() * p.getInputWidth() * p.getNumChannels());
    }
    return net.layerInputSize(0);
  }

  @Override
  public String engine() {
    return ENGINE;
  }

  @Override
  public int inputs() {
    return inputs;
  }

  @Override
  public int outputs() {
    return outputs;
  }

  @Override
  public Scorer newScorer(int batchSize) {
    MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
    net.init(params, false);
    return (x, n) -> {
      float[] rows = n * inputs == x.length ? x : Arrays.copyOf(x, n * inputs);
      INDArray out = net.output(Nd4j.create(rows, new long[] {n, inputs}, 'c'), false);
      return out.castTo(DataType.FLOAT).dup('c').data().asFloat();
    };
  }
}
