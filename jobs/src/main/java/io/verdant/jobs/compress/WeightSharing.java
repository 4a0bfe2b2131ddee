package io.verdant.jobs.compress;

import io.verdant.jobs.model.SharedWeights;
import java.util.Arrays;

/**
 * Weight sharing per weight array: the surviving (non-zero) weights are replaced by one of at most
 * {@code 2^bits - 1} shared values; codebook entry 0 is reserved for exact zero (pruned weights,
 * and the file format's fillers). {@link #kmeans} is Deep Compression's k-means with linear
 * initialization; {@link #uniform} is plain uniform quantization ({@code round(w * q) / q} with a
 * per-array scale).
 */
public final class WeightSharing {
  private WeightSharing() {}

  /** k-means over the non-zero values with centroids initialized linearly over [min, max]. */
  public static SharedWeights kmeans(float[] w, int bits, int iterations) {
    int k = (1 << bits) - 1;
    float[] nz = nonZero(w);
    if (nz.length == 0) {
      return new SharedWeights(new float[] {0f}, new int[w.length]);
    }
    Arrays.sort(nz);
    double min = nz[0];
    double max = nz[nz.length - 1];
    k = Math.min(k, nz.length);
    double[] c = new double[k];
    for (int j = 0; j < k; j++) {
      c[j] = k == 1 ? (min + max) / 2 : min + (max - min) * j / (k - 1);
    }
    // 1-D Lloyd iterations over the sorted values: each cluster is a contiguous run between
    // centroid midpoints.
    double[] prefix = new double[nz.length + 1];
    for (int i = 0; i < nz.length; i++) {
      prefix[i + 1] = prefix[i] + nz[i];
    }
    for (int it = 0; it < iterations; it++) {
      boolean moved = false;
      int lo = 0;
      for (int j = 0; j < k; j++) {
        int hi = j == k - 1 ? nz.length : upper(nz, (c[j] + c[j + 1]) / 2);
        if (hi > lo) {
          double mean = (prefix[hi] - prefix[lo]) / (hi - lo);
          if (mean != c[j]) {
            moved = true;
            c[j] = mean;
          }
        }
        lo = Math.max(lo, hi);
      }
      Arrays.sort(c);
      if (!moved) {
        break;
      }
    }
    return assign(w, c);
  }

  /**
   * Uniform quantization: levels {@code -m/q .. m/q} with {@code q = m / max|w|} and {@code m =
   * 2^(bits-1) - 1} levels on each side; weights that round to level 0 are kept as the smallest
   * level of their sign, so quantization never prunes.
   */
  public static SharedWeights uniform(float[] w, int bits) {
    float[] nz = nonZero(w);
    if (nz.length == 0) {
      return new SharedWeights(new float[] {0f}, new int[w.length]);
    }
    double amax = 0;
    for (float v : nz) {
      amax = Math.max(amax, Math.abs(v));
    }
    int m = Math.max(1, (1 << (bits - 1)) - 1);
    double[] c = new double[2 * m];
    for (int j = 0; j < m; j++) {
      c[j] = -amax * (m - j) / m;
      c[m + j] = amax * (j + 1) / m;
    }
    return assign(w, c);
  }

  private static float[] nonZero(float[] w) {
    int n = 0;
    for (float v : w) {
      n += v != 0f ? 1 : 0;
    }
    float[] nz = new float[n];
    int i = 0;
    for (float v : w) {
      if (v != 0f) {
        nz[i++] = v;
      }
    }
    return nz;
  }

  /** Index of the first value greater than x. */
  private static int upper(float[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Nearest centroid for every non-zero weight; centroids equal to 0 are nudged so that 0 stays
   * "pruned".
   */
  private static SharedWeights assign(float[] w, double[] sortedCentroids) {
    int k = sortedCentroids.length;
    float[] cb = new float[k + 1];
    for (int j = 0; j < k; j++) {
      float v = (float) sortedCentroids[j];
      cb[j + 1] = v == 0f ? Float.MIN_NORMAL : v;
    }
    int[] a = new int[w.length];
    for (int i = 0; i < w.length; i++) {
      float v = w[i];
      if (v == 0f) {
        continue;
      }
      int lo = 1;
      int hi = k;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cb[mid + 1] <= v) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      int best = lo;
      if (best > 1 && Math.abs(cb[best - 1] - v) <= Math.abs(cb[best] - v)) {
        best--;
      }
      if (best < k && Math.abs(cb[best + 1] - v) < Math.abs(cb[best] - v)) {
        best++;
      }
      a[i] = best;
    }
    return new SharedWeights(cb, a);
  }
}
