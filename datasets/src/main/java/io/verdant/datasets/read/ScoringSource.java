package io.verdant.datasets.read;

import org.apache.spark.sql.SparkSession;

/**
 * New rows to score with a trained model, in one of the formats ingest reads. Unlike a {@link
 * FeatureSource}, the label is optional (rows are scored against it where present) and a key column
 * may be passed through. Features are left raw: the scoring job normalizes them as the model's
 * training table was.
 */
public interface ScoringSource {
  /** What the input holds, from its header, schema or file header, without a pass over its rows. */
  InputLayout layout(SparkSession spark);

  /**
   * Checks every row on the executors (malformed, non-numeric, NaN or infinite values, with the
   * file and line of the first), fails on an empty input, and returns the rows, read again lazily
   * when scored.
   */
  ScoringData scan(SparkSession spark);
}
