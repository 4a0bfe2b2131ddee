package io.verdant.jobs.score;

import java.io.Serializable;

/**
 * What scoring counts as it goes, merged across tasks: the predictions made, and against the
 * labels, the confusion matrix (classification) or the sufficient statistics of the errors
 * (regression: n, sum of y, sum of y squared, sum of squared and of absolute errors). The metrics
 * follow from these alone.
 */
final class ScoreStats implements Serializable {
  private final int numClasses;
  long predictions;
  long labeled;
  private final long[] confusion;
  private double sumY;
  private double sumY2;
  private double sse;
  private double sae;

  /**
   * @param numClasses the classes of a classification, 0 for regression
   */
  ScoreStats(int numClasses) {
    this.numClasses = numClasses;
    this.confusion = numClasses > 0 ? new long[numClasses * numClasses] : null;
  }

  int numClasses() {
    return numClasses;
  }

  void addClass(int label, int predicted) {
    labeled++;
    confusion[label * numClasses + predicted]++;
  }

  void addValue(double y, double predicted) {
    labeled++;
    double e = predicted - y;
    sumY += y;
    sumY2 += y * y;
    sse += e * e;
    sae += Math.abs(e);
  }

  void merge(ScoreStats o) {
    predictions += o.predictions;
    labeled += o.labeled;
    if (confusion != null) {
      for (int i = 0; i < confusion.length; i++) {
        confusion[i] += o.confusion[i];
      }
    }
    sumY += o.sumY;
    sumY2 += o.sumY2;
    sse += o.sse;
    sae += o.sae;
  }

  ScoreStats copy() {
    ScoreStats c = new ScoreStats(numClasses);
    c.merge(this);
    return c;
  }

  boolean isZero() {
    return predictions == 0 && labeled == 0;
  }

  /** The metrics of the labeled rows (null figures when there were none). */
  ScoreSummary.Metrics metrics() {
    if (labeled == 0) {
      return new ScoreSummary.Metrics(0, null, null, null, null, null);
    }
    if (confusion != null) {
      return new ScoreSummary.Metrics(labeled, accuracy(), macroF1(), null, null, null);
    }
    double n = labeled;
    double ssTot = sumY2 - sumY * sumY / n;
    Double r2 = ssTot > 0 ? 1 - sse / ssTot : null;
    return new ScoreSummary.Metrics(labeled, null, null, Math.sqrt(sse / n), sae / n, r2);
  }

  private double accuracy() {
    long right = 0;
    for (int c = 0; c < numClasses; c++) {
      right += confusion[c * numClasses + c];
    }
    return (double) right / labeled;
  }

  /** The mean F1 of the classes that occur among the labels or the predictions. */
  private double macroF1() {
    double sum = 0;
    int classes = 0;
    for (int c = 0; c < numClasses; c++) {
      long tp = confusion[c * numClasses + c];
      long actual = 0;
      long predicted = 0;
      for (int k = 0; k < numClasses; k++) {
        actual += confusion[c * numClasses + k];
        predicted += confusion[k * numClasses + c];
      }
      if (actual + predicted > 0) {
        sum += 2.0 * tp / (actual + predicted);
        classes++;
      }
    }
    return sum / classes;
  }
}
