package io.verdant.datasets.ingest;

import io.verdant.datasets.table.FeatureTable;
import io.verdant.datasets.table.Normalizer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * Standardizes features to zero mean and unit variance with statistics of the train split only, so
 * the validation and test splits never leak into normalization. Constant features keep std 1 (left
 * centered).
 */
final class Standardizer implements Serializable {
  private final double[] mean;
  private final double[] std;

  private Standardizer(double[] mean, double[] std) {
    this.mean = mean;
    this.std = std;
  }

  static Standardizer fit(JavaRDD<TableRow> rows, int n) {
    double[] zero = new double[2 * n + 1];
    double[] acc =
        rows.filter(r -> FeatureTable.TRAIN.equals(r.getSplit()))
            .aggregate(
                zero,
                (a, r) -> {
                  float[] f = r.getFeatures();
                  for (int i = 0; i < n; i++) {
                    a[i] += f[i];
                    a[n + i] += (double) f[i] * f[i];
                  }
                  a[2 * n] += 1;
                  return a;
                },
                (a, b) -> {
                  for (int i = 0; i < a.length; i++) {
                    a[i] += b[i];
                  }
                  return a;
                });
    double count = acc[2 * n];
    double[] mean = new double[n];
    double[] std = new double[n];
    for (int i = 0; i < n; i++) {
      mean[i] = count == 0 ? 0 : acc[i] / count;
      double var = count == 0 ? 0 : Math.max(0, acc[n + i] / count - mean[i] * mean[i]);
      std[i] = var > 1e-24 ? Math.sqrt(var) : 1.0;
    }
    return new Standardizer(mean, std);
  }

  JavaRDD<TableRow> apply(JavaRDD<TableRow> rows) {
    Normalizer n = Normalizer.standardize(mean, std);
    return rows.map(
        r -> new TableRow(r.getRowId(), n.apply(r.getFeatures()), r.getLabel(), r.getSplit()));
  }

  List<Double> meanList() {
    return toList(mean);
  }

  List<Double> stdList() {
    return toList(std);
  }

  private static List<Double> toList(double[] a) {
    List<Double> l = new ArrayList<>(a.length);
    for (double x : a) {
      l.add(x);
    }
    return l;
  }
}
