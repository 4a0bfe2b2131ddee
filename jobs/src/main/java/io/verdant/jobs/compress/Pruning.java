package io.verdant.jobs.compress;

import java.util.Arrays;

/**
 * Magnitude pruning: per weight array, the smallest-magnitude fraction of weights becomes exactly
 * zero.
 */
public final class Pruning {
  private Pruning() {}

  /**
   * Prunes {@code flat[offset, offset + length)} to the target sparsity: the weights with the
   * smallest magnitudes are zeroed (ties at the threshold broken by position, so exactly
   * round(sparsity * length) are zero when the array has that many), and already-zero weights count
   * as pruned. Marks pruned positions with 0 in {@code mask} and returns the threshold used.
   */
  public static float prune(float[] flat, float[] mask, int offset, int length, double sparsity) {
    int target = (int) Math.round(sparsity * length);
    if (target <= 0) {
      return 0f;
    }
    float[] mags = new float[length];
    for (int i = 0; i < length; i++) {
      mags[i] = Math.abs(flat[offset + i]);
    }
    float[] sorted = mags.clone();
    Arrays.sort(sorted);
    float threshold = sorted[Math.min(target, length) - 1];
    int below = 0;
    for (float m : mags) {
      if (m < threshold) {
        below++;
      }
    }
    int atThreshold = target - below;
    for (int i = 0; i < length; i++) {
      boolean cut = mags[i] < threshold || (mags[i] == threshold && atThreshold-- > 0);
      if (cut) {
        flat[offset + i] = 0f;
        mask[offset + i] = 0f;
      }
    }
    return threshold;
  }

  /** A mask of ones (nothing pruned) for a flat vector of the given size. */
  public static float[] ones(int n) {
    float[] m = new float[n];
    Arrays.fill(m, 1f);
    return m;
  }

  /** Zeros every masked position; returns how many were non-zero before. */
  public static int apply(float[] flat, float[] mask) {
    int changed = 0;
    for (int i = 0; i < flat.length; i++) {
      if (mask[i] == 0f && flat[i] != 0f) {
        flat[i] = 0f;
        changed++;
      }
    }
    return changed;
  }

  public static double sparsity(float[] flat, int offset, int length) {
    int z = 0;
    for (int i = 0; i < length; i++) {
      z += flat[offset + i] == 0f ? 1 : 0;
    }
    return (double) z / length;
  }
}
