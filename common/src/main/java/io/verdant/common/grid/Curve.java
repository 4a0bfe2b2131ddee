package io.verdant.common.grid;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * A grid signal as a step function of time, as far as some rows give it: where rows overlap, the
 * later row in the given order wins; where none covers a moment, the curve has a gap. Times are
 * epoch milliseconds; an integral is in value x milliseconds.
 */
public final class Curve {
  /** The issue time recorded for values that come from actuals (rows without issued_at). */
  public static final long ACTUAL = Long.MIN_VALUE;

  private final long[] bounds;
  private final double[] values;
  private final long[] issued;
  private final boolean[] covered;

  private Curve(long[] bounds, double[] values, long[] issued, boolean[] covered) {
    this.bounds = bounds;
    this.values = values;
    this.issued = issued;
    this.covered = covered;
  }

  /** The curve of {@code rows}, each overriding the ones before it where they overlap. */
  static Curve paint(List<SignalRow> rows) {
    TreeSet<Long> b = new TreeSet<>();
    for (SignalRow r : rows) {
      b.add(r.fromMs());
      b.add(r.toMs());
    }
    long[] bounds = b.stream().mapToLong(Long::longValue).toArray();
    int n = Math.max(0, bounds.length - 1);
    double[] values = new double[n];
    long[] issued = new long[n];
    boolean[] covered = new boolean[n];
    for (SignalRow r : rows) {
      for (int i = Arrays.binarySearch(bounds, r.fromMs()); i < n && bounds[i] < r.toMs(); i++) {
        values[i] = r.value();
        issued[i] = r.isForecast() ? r.issuedAtMs() : ACTUAL;
        covered[i] = true;
      }
    }
    return new Curve(bounds, values, issued, covered);
  }

  /** The first moment of [a, b) without a value, if any. */
  public OptionalLong firstGap(long a, long b) {
    if (bounds.length == 0 || a < bounds[0]) {
      return OptionalLong.of(a);
    }
    for (int i = segmentAt(a); i < values.length && bounds[i] < b; i++) {
      if (!covered[i]) {
        return OptionalLong.of(Math.max(a, bounds[i]));
      }
    }
    return b > bounds[bounds.length - 1]
        ? OptionalLong.of(Math.max(a, bounds[bounds.length - 1]))
        : OptionalLong.empty();
  }

  /**
   * The integral of the value over [a, b), value x ms; moments without a value count 0 (check
   * {@link #firstGap}).
   */
  public double integral(long a, long b) {
    double sum = 0;
    for (int i = segmentAt(a); i < values.length && bounds[i] < b; i++) {
      long overlap = Math.min(b, bounds[i + 1]) - Math.max(a, bounds[i]);
      if (covered[i] && overlap > 0) {
        sum += values[i] * overlap;
      }
    }
    return sum;
  }

  /** The mean value over [a, b) (a &lt; b). */
  public double mean(long a, long b) {
    return integral(a, b) / (b - a);
  }

  /** The value at a moment, NaN where the curve has a gap. */
  public double valueAt(long t) {
    if (bounds.length == 0 || t < bounds[0] || t >= bounds[bounds.length - 1]) {
      return Double.NaN;
    }
    int i = segmentAt(t);
    return covered[i] ? values[i] : Double.NaN;
  }

  /**
   * The issue time of the value at a moment ({@link #ACTUAL} for an actual); only where {@link
   * #valueAt} is a number.
   */
  public long issuedAt(long t) {
    return issued[segmentAt(t)];
  }

  /** The times in [a, b] at which the value may change. */
  public long[] changesIn(long a, long b) {
    return Arrays.stream(bounds).filter(t -> t >= a && t <= b).toArray();
  }

  /**
   * The earliest issue time of the forecasts giving values in [a, b), or {@link Long#MAX_VALUE} if
   * only actuals do.
   */
  public long oldestIssue(long a, long b) {
    long oldest = Long.MAX_VALUE;
    for (int i = segmentAt(a); i < values.length && bounds[i] < b; i++) {
      if (covered[i] && issued[i] != ACTUAL && bounds[i + 1] > a) {
        oldest = Math.min(oldest, issued[i]);
      }
    }
    return oldest;
  }

  /** The index of the segment holding t (0 before the first bound). */
  private int segmentAt(long t) {
    int i = Arrays.binarySearch(bounds, t);
    if (i < 0) {
      i = -i - 2;
    }
    return Math.max(0, Math.min(i, Math.max(0, values.length - 1)));
  }
}
