package io.verdant.jobs.compress;

import io.verdant.jobs.train.MinibatchExport;
import io.verdant.jobs.train.SparkTrainer;
import io.verdant.jobs.train.TrainOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrains a pruned network on Spark with the train job's machinery ({@link MinibatchExport} once,
 * then {@link SparkTrainer}: DL4J parameter averaging from exported minibatch files) while a {@link
 * MaskHook} keeps the pruned weights exactly zero on every worker after every update. Parameter
 * averaging of exact zeros is exact zero, so the averaged model keeps the mask too.
 */
public final class MaskedRetraining {
  private static final Logger LOG = LoggerFactory.getLogger(MaskedRetraining.class);

  /**
   * The parameter averaging settings of a retraining run; {@code lrSchedule} is the train job's
   * form (none, step:F:N, exp:G), applied per retraining epoch; {@code l2} above 0 replaces the
   * weights' L2 regularization while retraining (0 keeps the model's own).
   */
  public record Settings(
      int epochs,
      double learningRate,
      String lrSchedule,
      double l2,
      int batchSizePerWorker,
      int averagingFrequency,
      long seed) {
    /** The learning rate of retraining epoch {@code epoch} (1-based). */
    public double learningRate(int epoch) {
      return learningRate * TrainOptions.scheduleFactor(lrSchedule, epoch);
    }
  }

  private MaskedRetraining() {}

  /**
   * Exports the train split of a table as minibatch files once (reused by every retraining attempt
   * and cycle); returns their paths.
   */
  public static List<String> export(
      SparkSession spark, String tablePath, int numClasses, Settings s, String dir) {
    int workers = spark.sparkContext().defaultParallelism();
    return MinibatchExport.exportTrain(
            spark,
            tablePath,
            numClasses,
            true,
            s.batchSizePerWorker(),
            workers,
            s.seed(),
            dir,
            true)
        .paths();
  }

  /**
   * Trains {@code net} for the configured epochs, the learning rate following the schedule. Every
   * epoch is scored by {@code validation} (accuracy of a network on validation rows) and the
   * parameters of the best epoch are returned (the last one on ties).
   */
  public static MultiLayerNetwork retrain(
      JavaSparkContext jsc,
      MultiLayerNetwork net,
      float[] mask,
      List<String> trainPaths,
      Settings s,
      ToDoubleFunction<MultiLayerNetwork> validation) {
    if (s.epochs() == 0) {
      return net;
    }
    int workers = jsc.defaultParallelism();
    Map<Integer, List<Regularization>> original = s.l2() > 0 ? setL2(net, s.l2()) : Map.of();
    SparkTrainer trainer =
        new SparkTrainer(
            jsc,
            net,
            new SparkTrainer.Settings(
                workers, s.batchSizePerWorker(), s.averagingFrequency(), 0, false),
            List.of(new MaskHook(mask)));
    INDArray best = null;
    double bestAcc = Double.NEGATIVE_INFINITY;
    int bestEpoch = 0;
    for (int e = 1; e <= s.epochs(); e++) {
      double lr = s.learningRate(e);
      trainer.network().setLearningRate(lr);
      SparkTrainer.EpochResult r =
          trainer.fitEpoch(SparkTrainer.epochOrder(trainPaths, s.seed(), e));
      double acc = validation.applyAsDouble(trainer.network());
      LOG.info(
          "Masked retraining epoch {}/{}: loss {} (lr {}), validation accuracy {} in {} s",
          e,
          s.epochs(),
          String.format(Locale.ROOT, "%.4f", r.loss()),
          lr,
          String.format(Locale.ROOT, "%.2f%%", 100 * acc),
          String.format(Locale.ROOT, "%.1f", r.seconds()));
      if (acc >= bestAcc) {
        bestAcc = acc;
        bestEpoch = e;
        best = trainer.network().params().dup();
      }
    }
    MultiLayerNetwork out = trainer.network();
    if (bestEpoch != s.epochs()) {
      LOG.info(
          "Masked retraining keeps epoch {} (validation accuracy {})",
          bestEpoch,
          String.format(Locale.ROOT, "%.2f%%", 100 * bestAcc));
      out.setParams(best);
    }
    // The compressed model keeps the configuration it came with.
    original.forEach(
        (i, regs) ->
            ((BaseLayer) out.getLayerWiseConfigurations().getConf(i).getLayer())
                .setRegularization(regs));
    return out;
  }

  /**
   * Sets L2 {@code l2} on every layer's weights in place of any L2 they had; returns each layer's
   * previous list.
   */
  static Map<Integer, List<Regularization>> setL2(MultiLayerNetwork net, double l2) {
    Map<Integer, List<Regularization>> before = new LinkedHashMap<>();
    for (int i = 0; i < net.getLayerWiseConfigurations().getConfs().size(); i++) {
      if (net.getLayerWiseConfigurations().getConf(i).getLayer() instanceof BaseLayer layer) {
        List<Regularization> regs =
            layer.getRegularization() == null ? List.of() : layer.getRegularization();
        before.put(i, regs);
        List<Regularization> next = new ArrayList<>();
        for (Regularization r : regs) {
          if (!(r instanceof L2Regularization)) {
            next.add(r);
          }
        }
        next.add(new L2Regularization(l2));
        layer.setRegularization(next);
      }
    }
    return before;
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
