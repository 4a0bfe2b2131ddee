package io.verdant.datasets.table;

import io.verdant.common.VerdantException;
import java.io.Serializable;
import java.util.List;

/**
 * A feature table's normalization ({@link Manifest.Normalization}) as a function of raw features:
 * the one place the arithmetic lives, so that ingest and the scoring of new raw data compute the
 * same floats. {@code scale}: {@code (float) (x / divisor)}; {@code standardize}: {@code (float)
 * ((x - mean) / std)}, in double precision.
 */
public final class Normalizer implements Serializable {
  private final double divisor;
  private final double[] mean;
  private final double[] std;

  private Normalizer(double divisor, double[] mean, double[] std) {
    this.divisor = divisor;
    this.mean = mean;
    this.std = std;
  }

  public static Normalizer standardize(double[] mean, double[] std) {
    return new Normalizer(Double.NaN, mean.clone(), std.clone());
  }

  /**
   * The normalization a table recorded, for rows of {@code featureCount} features; {@code what}
   * names it in errors.
   */
  public static Normalizer of(Manifest.Normalization n, int featureCount, String what) {
    if ("scale".equals(n.method()) && n.divisor() != null && n.divisor() > 0) {
      return new Normalizer(n.divisor(), null, null);
    }
    if ("standardize".equals(n.method())
        && n.mean() != null
        && n.std() != null
        && n.mean().size() == featureCount
        && n.std().size() == featureCount) {
      return standardize(array(n.mean()), array(n.std()));
    }
    throw VerdantException.of(
        "%s: its normalization must be scale with a divisor > 0 or standardize with %d means and"
            + " standard deviations, cannot be: %s",
        what, featureCount, n);
  }

  private static double[] array(List<Double> l) {
    double[] a = new double[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }

  /** A normalized copy of one row. */
  public float[] apply(float[] raw) {
    float[] out = raw.clone();
    apply(out, 0, out.length);
    return out;
  }

  /**
   * Normalizes, in place, the {@code n} features of one row that start at {@code offset} of {@code
   * x}.
   */
  public void apply(float[] x, int offset, int n) {
    if (mean == null) {
      for (int i = 0; i < n; i++) {
        x[offset + i] = (float) (x[offset + i] / divisor);
      }
    } else {
      for (int i = 0; i < n; i++) {
        x[offset + i] = (float) ((x[offset + i] - mean[i]) / std[i]);
      }
    }
  }
}
