package io.verdant.jobs.score;

import io.verdant.common.VerdantException;
import io.verdant.datasets.read.ScoringRecord;
import io.verdant.datasets.table.Normalizer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * What each task runs over its partition: the executor's decoded model (from the broadcast bytes,
 * once per JVM), then the rows in batches: normalized, scored in one forward pass per batch, turned
 * into output rows and counted.
 */
final class PartitionScorer implements Serializable {
  /**
   * What every output row repeats: the model's name, version and SHA-256, the scoring time and the
   * run id.
   */
  record Constants(
      String modelName,
      String modelVersion,
      String modelSha256,
      java.sql.Timestamp scoredAt,
      String runId)
      implements Serializable {}

  private final Broadcast<byte[]> modelBytes;
  private final String sha256;
  private final boolean compressed;
  private final String source;
  private final int batchSize;
  private final int features;
  private final int numClasses;
  private final String[] classNames;
  private final Normalizer normalizer;
  private final Constants constants;
  private final ScoreAccumulator stats;

  /**
   * @param numClasses the model's classes, 0 for regression
   * @param classNames the model's class names, or null
   * @param normalizer null when the features are normalized already
   */
  PartitionScorer(
      Broadcast<byte[]> modelBytes,
      ScoringModel model,
      int batchSize,
      int numClasses,
      String[] classNames,
      Normalizer normalizer,
      Constants constants,
      ScoreAccumulator stats) {
    this.modelBytes = modelBytes;
    this.sha256 = model.sha256();
    this.compressed = model.compressed();
    this.source = model.file();
    this.batchSize = batchSize;
    this.features = model.contract().featureCount();
    this.numClasses = numClasses;
    this.classNames = classNames;
    this.normalizer = normalizer;
    this.constants = constants;
    this.stats = stats;
  }

  Iterator<Row> score(Iterator<ScoringRecord> rows) {
    CompiledModel m =
        ModelCache.get(sha256, () -> CompiledModel.decode(modelBytes.value(), compressed, source));
    return new Batches(rows, m.newScorer(batchSize), m.outputs());
  }

  /**
   * The output rows of a partition, a batch at a time; the partition's counts go to the accumulator
   * at its end.
   */
  private final class Batches implements Iterator<Row> {
    private final Iterator<ScoringRecord> in;
    private final Scorer scorer;
    private final int outputs;
    private final float[] x = new float[batchSize * features];
    private final Object[] keys = new Object[batchSize];
    private final double[] labels = new double[batchSize];
    private final ScoreStats counted = new ScoreStats(numClasses);
    private final List<Row> out = new ArrayList<>(batchSize);
    private int next;
    private boolean done;

    Batches(Iterator<ScoringRecord> in, Scorer scorer, int outputs) {
      this.in = in;
      this.scorer = scorer;
      this.outputs = outputs;
    }

    @Override
    public boolean hasNext() {
      if (next < out.size()) {
        return true;
      }
      if (done) {
        return false;
      }
      out.clear();
      next = 0;
      int n = fill();
      if (n == 0) {
        done = true;
        stats.add(counted);
        return false;
      }
      emit(scorer.forward(x, n), n);
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return out.get(next++);
    }

    /** Copies up to a batch of rows into the buffer, normalizing each; returns how many. */
    private int fill() {
      int n = 0;
      while (n < batchSize && in.hasNext()) {
        ScoringRecord r = in.next();
        if (r.features().length != features) {
          throw VerdantException.of(
              "row %s has %d features, the model takes %d", r.key(), r.features().length, features);
        }
        System.arraycopy(r.features(), 0, x, n * features, features);
        if (normalizer != null) {
          normalizer.apply(x, n * features, features);
        }
        keys[n] = r.key();
        labels[n] = r.label();
        n++;
      }
      return n;
    }

    private void emit(float[] y, int n) {
      counted.predictions += n;
      for (int t = 0; t < n; t++) {
        out.add(numClasses > 0 ? classRow(y, t) : valueRow(y[t], t));
      }
    }

    private Row classRow(float[] y, int t) {
      int best = 0;
      for (int j = 1; j < outputs; j++) {
        if (y[t * outputs + j] > y[t * outputs + best]) {
          best = j;
        }
      }
      if (!Double.isNaN(labels[t])) {
        counted.addClass((int) labels[t], best);
      }
      float[] p = java.util.Arrays.copyOfRange(y, t * outputs, (t + 1) * outputs);
      return classNames != null
          ? RowFactory.create(
              keys[t],
              best,
              classNames[best],
              p,
              constants.modelName(),
              constants.modelVersion(),
              constants.modelSha256(),
              constants.scoredAt(),
              constants.runId())
          : RowFactory.create(
              keys[t],
              best,
              p,
              constants.modelName(),
              constants.modelVersion(),
              constants.modelSha256(),
              constants.scoredAt(),
              constants.runId());
    }

    private Row valueRow(float v, int t) {
      if (!Double.isNaN(labels[t])) {
        counted.addValue(labels[t], v);
      }
      return RowFactory.create(
          keys[t],
          (double) v,
          constants.modelName(),
          constants.modelVersion(),
          constants.modelSha256(),
          constants.scoredAt(),
          constants.runId());
    }
  }
}
