package io.verdant.jobs.train;

import io.verdant.jobs.eval.RegressionStats;
import io.verdant.jobs.eval.SparkEvaluation;
import io.verdant.jobs.model.EpochMetrics;
import io.verdant.jobs.model.ModelInfo;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.EvaluationAveraging;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * The figures of a network on an exported split: accuracy and macro F1 (classification) or RMSE and
 * R^2 (regression).
 */
record SplitMetrics(boolean classification, int numClasses) {

  /** One epoch's figures on the validation split (none without one). */
  EpochMetrics epoch(
      SparkTrainer trainer,
      JavaRDD<String> validation,
      int epoch,
      double lr,
      SparkTrainer.EpochResult r,
      double epochSeconds) {
    if (validation == null) {
      return new EpochMetrics(
          epoch, lr, r.loss(), null, null, null, null, r.seconds(), epochSeconds, null);
    }
    if (classification) {
      Evaluation ev = trainer.evaluate(validation, new Evaluation(numClasses));
      return new EpochMetrics(
          epoch,
          lr,
          r.loss(),
          ev.accuracy(),
          ev.f1(EvaluationAveraging.Macro),
          null,
          null,
          r.seconds(),
          epochSeconds,
          null);
    }
    RegressionStats ev = trainer.evaluate(validation, new RegressionStats());
    return new EpochMetrics(
        epoch, lr, r.loss(), null, null, ev.rmse(), ev.r2(), r.seconds(), epochSeconds, null);
  }

  /** The saved model's figures on the test split. */
  ModelInfo.TestMetrics test(
      JavaSparkContext sc, MultiLayerNetwork best, JavaRDD<String> test, long examples) {
    if (test == null) {
      return new ModelInfo.TestMetrics(0, null, null, null, null, null);
    }
    if (classification) {
      Evaluation ev = SparkTrainer.evaluate(sc, best, test, new Evaluation(numClasses));
      return new ModelInfo.TestMetrics(
          examples, ev.accuracy(), ev.f1(EvaluationAveraging.Macro), null, null, null);
    }
    RegressionStats re = SparkEvaluation.evaluate(sc, best, test, new RegressionStats());
    return new ModelInfo.TestMetrics(examples, null, null, re.rmse(), re.r2(), re.mae());
  }
}
