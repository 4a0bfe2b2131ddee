package io.verdant.jobs.compress;

import io.verdant.jobs.train.MinibatchExport;
import io.verdant.jobs.train.SparkTrainer;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrains a pruned network on Spark with the train job's machinery ({@link MinibatchExport} once, then
 * {@link SparkTrainer}: DL4J parameter averaging from exported minibatch files) while a {@link MaskHook} keeps the
 * pruned weights exactly zero on every worker after every update. Parameter averaging of exact zeros is exact
 * zero, so the averaged model keeps the mask too.
 */
public final class MaskedRetraining {
  private static final Logger LOG = LoggerFactory.getLogger(MaskedRetraining.class);

  /** The parameter averaging settings of a retraining run. */
  public record Settings(int epochs, double learningRate, int batchSizePerWorker, int averagingFrequency, long seed) {}

  private MaskedRetraining() {}

  /**
   * Exports the train split of a table as minibatch files once (reused by every retraining attempt and cycle);
   * returns their paths.
   */
  public static List<String> export(SparkSession spark, String tablePath, int numClasses, Settings s, String dir) {
    int workers = spark.sparkContext().defaultParallelism();
    return MinibatchExport.exportTrain(spark, tablePath, numClasses, true, s.batchSizePerWorker(), workers, s.seed(), dir, true)
        .paths();
  }

  /** Trains {@code net} in place for the configured epochs; returns the network with the retrained parameters. */
  public static MultiLayerNetwork retrain(JavaSparkContext jsc, MultiLayerNetwork net, float[] mask, List<String> trainPaths,
      Settings s) {
    if (s.epochs() == 0) {
      return net;
    }
    net.setLearningRate(s.learningRate());
    int workers = jsc.defaultParallelism();
    SparkTrainer trainer = new SparkTrainer(jsc, net,
        new SparkTrainer.Settings(workers, s.batchSizePerWorker(), s.averagingFrequency(), 0, false), List.of(new MaskHook(mask)));
    for (int e = 1; e <= s.epochs(); e++) {
      SparkTrainer.EpochResult r = trainer.fitEpoch(SparkTrainer.epochOrder(trainPaths, s.seed(), e), null);
      LOG.info("Masked retraining epoch {}/{}: loss {} in {} s", e, s.epochs(), String.format("%.4f", r.loss()),
          String.format("%.1f", r.seconds()));
    }
    return trainer.network();
  }

  /** Re-applies the 0/1 mask to the parameters after every minibatch update on a worker. */
  static final class MaskHook implements TrainingHook {
    private static final long serialVersionUID = 1L;
    private final MaskListener mask;

    MaskHook(float[] mask) {
      this.mask = new MaskListener(mask);
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {}

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
      mask.applyTo(model);
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {}

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
      mask.applyTo(model);
    }
  }
}
