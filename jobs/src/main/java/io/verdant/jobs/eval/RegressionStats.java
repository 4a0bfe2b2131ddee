package io.verdant.jobs.eval;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * RMSE, MAE and R^2 of a regression from mergeable sufficient statistics: the count, the labels'
 * mean and sum of squared deviations (Chan et al.'s pairwise update, which stays exact where
 * sum(y^2) - n mean^2 would cancel), the sum of squared errors and the sum of absolute errors.
 * Merging partitions gives the same figures as one pass over all rows, unlike DL4J's {@code
 * RegressionEvaluation}, whose R^2 is wrong after merges. Every value of the labels counts as one
 * example (a regression has one output).
 */
public final class RegressionStats implements PartialMetric<RegressionStats> {
  private static final long serialVersionUID = 1L;

  private long n;
  private double mean;
  private double sumSquaredDeviations;
  private double sse;
  private double sumAbsoluteErrors;

  @Override
  public RegressionStats empty() {
    return new RegressionStats();
  }

  /** Adds one example. */
  public void add(double label, double prediction) {
    n++;
    double delta = label - mean;
    mean += delta / n;
    sumSquaredDeviations += delta * (label - mean);
    double err = label - prediction;
    sse += err * err;
    sumAbsoluteErrors += Math.abs(err);
  }

  @Override
  public void add(INDArray labels, INDArray predictions) {
    if (!labels.equalShapes(predictions)) {
      throw new IllegalArgumentException(
          "labels "
              + labels.shapeInfoToString()
              + " and predictions "
              + predictions.shapeInfoToString()
              + " differ in shape");
    }
    double[] y = labels.reshape(labels.length()).toDoubleVector();
    double[] p = predictions.reshape(predictions.length()).toDoubleVector();
    for (int i = 0; i < y.length; i++) {
      add(y[i], p[i]);
    }
  }

  @Override
  public void merge(RegressionStats o) {
    if (o.n == 0) {
      return;
    }
    long total = n + o.n;
    double delta = o.mean - mean;
    sumSquaredDeviations += o.sumSquaredDeviations + delta * delta * n * o.n / total;
    mean += delta * o.n / total;
    n = total;
    sse += o.sse;
    sumAbsoluteErrors += o.sumAbsoluteErrors;
  }

  /** The number of examples. */
  public long count() {
    return n;
  }

  /** Root mean squared error; NaN without examples. */
  public double rmse() {
    return Math.sqrt(sse / n);
  }

  /** Mean absolute error; NaN without examples. */
  public double mae() {
    return sumAbsoluteErrors / n;
  }

  /**
   * The coefficient of determination, 1 - SSE / SST with SST the labels' sum of squared deviations
   * from their mean; NaN when the labels do not vary (or there are no examples).
   */
  public double r2() {
    return sumSquaredDeviations > 0 ? 1 - sse / sumSquaredDeviations : Double.NaN;
  }
}
