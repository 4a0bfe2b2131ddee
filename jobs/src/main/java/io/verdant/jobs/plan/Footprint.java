package io.verdant.jobs.plan;

import io.verdant.common.grid.Curve;

/**
 * The carbon and cost of running a power profile from {@code startMs}; a figure is null where its
 * signal is not known over the whole run.
 *
 * @param co2eG grams CO2e (energy x PUE x intensity)
 * @param cost in the price's currency (energy x PUE x price)
 */
public record Footprint(long startMs, long endMs, Double co2eG, Double cost) {
  /** W x ms x (g/kWh) to grams; W x ms x (per MWh) to money. */
  private static final double WMS_PER_KWH = 3.6e9;

  private static final double WMS_PER_MWH = 3.6e12;

  static Footprint of(Grid grid, PowerProfile p, long start) {
    long end = start + p.durationMs();
    Double co2 = integrate(grid.carbon(), p, start, WMS_PER_KWH);
    Double cost = integrate(grid.price(), p, start, WMS_PER_MWH);
    return new Footprint(
        start, end, co2 == null ? null : co2 * grid.pue(), cost == null ? null : cost * grid.pue());
  }

  private static Double integrate(Curve c, PowerProfile p, long start, double per) {
    if (c == null || c.firstGap(start, start + p.durationMs()).isPresent()) {
      return null;
    }
    double sum = 0;
    for (PowerProfile.Segment s : p.segments()) {
      sum += s.watts() * c.integral(start + s.fromMs(), start + s.toMs());
    }
    return sum / per;
  }

  /**
   * The saving of {@code planned} against {@code now} in percent of {@code now}; null when either
   * is unknown or now is 0.
   */
  static Double savingPercent(Double now, Double planned) {
    if (now == null || planned == null || now == 0) {
      return null;
    }
    return (now - planned) / Math.abs(now) * 100;
  }
}
