package io.verdant.jobs.score;

import org.apache.spark.util.AccumulatorV2;

/**
 * {@link ScoreStats} gathered from the tasks that write the predictions. Spark applies a result
 * task's accumulator updates once per partition, so the counts are exact even when a task is
 * retried.
 */
final class ScoreAccumulator extends AccumulatorV2<ScoreStats, ScoreStats> {
  private ScoreStats stats;

  ScoreAccumulator(int numClasses) {
    this.stats = new ScoreStats(numClasses);
  }

  private ScoreAccumulator(ScoreStats stats) {
    this.stats = stats;
  }

  @Override
  public boolean isZero() {
    return stats.isZero();
  }

  @Override
  public AccumulatorV2<ScoreStats, ScoreStats> copy() {
    return new ScoreAccumulator(stats.copy());
  }

  @Override
  public void reset() {
    stats = new ScoreStats(stats.numClasses());
  }

  @Override
  public void add(ScoreStats v) {
    stats.merge(v);
  }

  @Override
  public void merge(AccumulatorV2<ScoreStats, ScoreStats> other) {
    stats.merge(other.value());
  }

  @Override
  public ScoreStats value() {
    return stats;
  }
}
