package io.verdant.jobs.score;

import org.apache.spark.sql.SparkSession;

/**
 * Where a score run's rows come from: a feature table ({@link TableInput}) or raw data ({@link
 * RawInput}).
 */
public interface ScoreInput {
  /** The rows, checked against the model's input contract; fails naming the input and the rule. */
  ScoreRows open(SparkSession spark, ScoringModel model);

  /** The input for the run's record: its kind and path. */
  String describe();
}
