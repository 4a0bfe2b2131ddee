package io.verdant.jobs.compress;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrains a pruned network on Spark with DL4J's ParameterAveragingTrainingMaster while a {@link MaskListener}
 * keeps the pruned weights exactly zero on every worker through every update.
 */
public final class MaskedRetraining {
  private static final Logger LOG = LoggerFactory.getLogger(MaskedRetraining.class);

  /** The parameter averaging settings of a retraining run. */
  public record Settings(int epochs, double learningRate, int batchSizePerWorker, int averagingFrequency, long seed) {}

  private MaskedRetraining() {}

  /** Trains {@code net} in place for the configured epochs; returns the network with the retrained parameters. */
  public static MultiLayerNetwork retrain(JavaSparkContext jsc, MultiLayerNetwork net, float[] mask, JavaRDD<DataSet> train,
      Settings s) {
    if (s.epochs() == 0) {
      return net;
    }
    net.setLearningRate(s.learningRate());
    // The RDD's DataSets hold batchSizePerWorker examples each (TableData batches); the worker minibatch is the same.
    ParameterAveragingTrainingMaster.Builder b = new ParameterAveragingTrainingMaster.Builder(s.batchSizePerWorker())
        .batchSizePerWorker(s.batchSizePerWorker())
        .averagingFrequency(s.averagingFrequency())
        .workerPrefetchNumBatches(0)
        .rddTrainingApproach(RDDTrainingApproach.Export)
        .rngSeed(s.seed());
    String export = System.getProperty("verdant.dl4j.exportDir");
    if (export != null) {
      b.exportDirectory(new java.io.File(export).toURI().toString());
    }
    ParameterAveragingTrainingMaster tm = b.build();
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, net, tm);
    sparkNet.setListeners(List.of(new MaskListener(mask)));
    try {
      for (int e = 0; e < s.epochs(); e++) {
        long t0 = System.nanoTime();
        sparkNet.fit(train);
        LOG.info("Masked retraining epoch {}/{} took {} ms", e + 1, s.epochs(), (System.nanoTime() - t0) / 1_000_000);
      }
    } finally {
      tm.deleteTempFiles(jsc);
    }
    return sparkNet.getNetwork();
  }
}
