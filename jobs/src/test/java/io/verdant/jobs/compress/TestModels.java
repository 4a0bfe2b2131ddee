package io.verdant.jobs.compress;

import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.model.InputContract;
import io.verdant.jobs.model.ModelFiles;
import io.verdant.jobs.model.ModelInfo;
import io.verdant.jobs.model.ModelStore;
import io.verdant.jobs.model.TableData;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Networks shaped like the train job's architectures, and the model directory layout train writes
 * ({@code model.zip} + {@code model.json}), for tests and the compress benchmark.
 */
public final class TestModels {
  private TestModels() {}

  /** LeNet-300-100: 784-300-100-10, ReLU, softmax. */
  public static MultiLayerNetwork lenet300100(long seed) {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .weightInit(WeightInit.XAVIER)
            .updater(new Nesterovs(0.01, 0.9))
            .list()
            .layer(new DenseLayer.Builder().nIn(784).nOut(300).activation(Activation.RELU).build())
            .layer(new DenseLayer.Builder().nIn(300).nOut(100).activation(Activation.RELU).build())
            .layer(
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nIn(100)
                    .nOut(10)
                    .activation(Activation.SOFTMAX)
                    .build())
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * LeNet-5 (Caffe layout): conv5x5x20, maxpool, conv5x5x50, maxpool, dense 500, softmax 10, on
   * flat 784 input.
   */
  public static MultiLayerNetwork lenet5(long seed, int c1, int c2, int dense) {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .weightInit(WeightInit.XAVIER)
            .updater(new Nesterovs(0.01, 0.9))
            .list()
            .layer(
                new ConvolutionLayer.Builder(5, 5).nOut(c1).activation(Activation.IDENTITY).build())
            .layer(
                new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .kernelSize(2, 2)
                    .stride(2, 2)
                    .build())
            .layer(
                new ConvolutionLayer.Builder(5, 5).nOut(c2).activation(Activation.IDENTITY).build())
            .layer(
                new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .kernelSize(2, 2)
                    .stride(2, 2)
                    .build())
            .layer(new DenseLayer.Builder().nOut(dense).activation(Activation.RELU).build())
            .layer(
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nOut(10)
                    .activation(Activation.SOFTMAX)
                    .build())
            .setInputType(InputType.convolutionalFlat(28, 28, 1))
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** Every minibatch of a split, collected to the driver. */
  public static List<DataSet> split(
      SparkSession spark, Manifest.Loaded table, String split, int batch) {
    return TableData.dataSets(TableData.batches(spark, table, split, batch)).collect();
  }

  public static void fit(MultiLayerNetwork net, List<DataSet> batches, int epochs) {
    for (int e = 0; e < epochs; e++) {
      for (DataSet d : batches) {
        net.fit(d);
      }
    }
  }

  /**
   * Saves a network fitted outside the train job in the train job's layout (model.zip with updater,
   * model.json through the model package's writer), for the compress benchmark. Tests train through
   * {@code verdant train}.
   */
  public static void save(
      MultiLayerNetwork net, String architecture, Manifest.Loaded table, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    ModelSerializer.writeModel(net, new File(dir.toFile(), ModelFiles.MODEL_ZIP), true);
    ModelInfo info =
        new ModelInfo(
            ModelInfo.CURRENT_SCHEMA_VERSION,
            "bench-" + architecture,
            java.time.Instant.now().toString(),
            architecture,
            net.numParams(),
            InputContract.of(table.manifest()),
            new ModelInfo.Dataset(
                table.tablePath(), table.manifest().dataset(), table.sha256(), 0, 0, 0),
            null,
            null,
            null,
            null,
            null,
            null);
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(dir.toUri());
    ModelStore.writeInfo(out.getFileSystem(new org.apache.hadoop.conf.Configuration()), out, info);
  }
}
