package io.verdant.jobs.plan;

import io.verdant.common.VerdantException;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's expected power over its run: consecutive segments from its start, each with a constant
 * power (IT power, before PUE).
 */
public record PowerProfile(List<Segment> segments) {
  /** Power {@code watts} from {@code fromMs} to {@code toMs} after the start. */
  public record Segment(long fromMs, long toMs, double watts) {}

  public PowerProfile {
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("a power profile needs at least one segment");
    }
    segments = List.copyOf(segments);
  }

  /** Constant power: {@code energyWh} spread evenly over {@code durationMs}. */
  public static PowerProfile flat(long durationMs, double energyWh) {
    return shaped(new double[] {1.0}, durationMs, energyWh);
  }

  /**
   * {@code energyWh} over {@code durationMs} in equal-length segments, each taking its share of the
   * energy ({@code shares} sum to 1, as measured on a comparable run).
   */
  public static PowerProfile shaped(double[] shares, long durationMs, double energyWh) {
    if (durationMs <= 0) {
      throw VerdantException.of(
          "the expected duration must be above 0, cannot be: %d ms", durationMs);
    }
    List<Segment> out = new ArrayList<>();
    int n = shares.length;
    for (int i = 0; i < n; i++) {
      long from = durationMs * i / n;
      long to = durationMs * (i + 1) / n;
      if (to > from) {
        out.add(new Segment(from, to, shares[i] * energyWh * 3.6e6 / (to - from)));
      }
    }
    return new PowerProfile(out);
  }

  public long durationMs() {
    return segments.get(segments.size() - 1).toMs();
  }

  /** Energy in Wh: the sum of power x time. */
  public double energyWh() {
    return segments.stream().mapToDouble(s -> s.watts() * (s.toMs() - s.fromMs())).sum() / 3.6e6;
  }

  /** The segment boundaries after the start, 0 and the duration included. */
  public long[] offsets() {
    long[] o = new long[segments.size() + 1];
    for (int i = 0; i < segments.size(); i++) {
      o[i] = segments.get(i).fromMs();
    }
    o[segments.size()] = durationMs();
    return o;
  }
}
