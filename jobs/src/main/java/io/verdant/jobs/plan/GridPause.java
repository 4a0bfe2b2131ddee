package io.verdant.jobs.plan;

import io.verdant.common.Checks;
import io.verdant.common.VerdantException;
import io.verdant.common.grid.Curve;
import io.verdant.common.grid.Signal;
import io.verdant.common.grid.SignalFile;
import io.verdant.common.grid.SignalRow;
import io.verdant.common.grid.SignalSeries;
import io.verdant.common.grid.Times;
import io.verdant.common.run.JobRun;
import io.verdant.common.run.PausedException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a job should pause now: the grid's signal at this moment (the latest value issued up to
 * now, read afresh from the signal file each time) above a threshold. Missing or stale values, or
 * an unreadable file, are logged as warnings and do not pause: the fallback is to keep running.
 */
public final class GridPause {
  private static final Logger LOG = LoggerFactory.getLogger(GridPause.class);

  /**
   * A forecast issued longer ago than this is stale, as for {@code verdant plan}'s default
   * --max-forecast-age.
   */
  public static final long MAX_FORECAST_AGE_MS = 24 * 3_600_000L;

  /**
   * Pause when {@code signal} is above {@code limit}; {@code option} names the threshold in
   * messages.
   */
  public record Threshold(Signal signal, double limit, String option) {}

  /** A decision to pause: the threshold passed and the value seen. */
  public record Pause(
      Threshold threshold, double value, String unit, String zone, long atMs, String signals) {
    /** What ends the run: the reason, the value and where training stands. */
    public PausedException exception(int epochsDone, String checkpointDir) {
      boolean carbon = threshold.signal() == Signal.CARBON_INTENSITY;
      String where =
          epochsDone > 0
              ? String.format(
                  Locale.ROOT, "the checkpoint after epoch %d is in %s", epochsDone, checkpointDir)
              : "no epoch was trained yet";
      return new PausedException(
          carbon ? JobRun.Status.PAUSED_FOR_CARBON : JobRun.Status.PAUSED_FOR_PRICE,
          String.format(
              Locale.ROOT,
              "paused for %s: the %s of zone %s is %s %s at %s (%s), above %s %s; %s: run again"
                  + " with --resume to continue",
              carbon ? "carbon" : "price",
              carbon ? "carbon intensity" : "price",
              zone,
              Checks.number(value),
              unit,
              Times.iso(atMs),
              signals,
              threshold.option(),
              Checks.number(threshold.limit()),
              where));
    }
  }

  private final String file;
  private final String zone;
  private final List<Threshold> thresholds;
  private final Configuration conf;

  public GridPause(String file, String zone, List<Threshold> thresholds, Configuration conf) {
    this.file = file;
    this.zone = zone;
    this.thresholds = List.copyOf(thresholds);
    this.conf = conf;
  }

  /** The first threshold the grid is above at {@code nowMs}, if any. */
  public Optional<Pause> check(long nowMs) {
    List<SignalRow> rows;
    try {
      rows = SignalFile.read(file, conf);
    } catch (VerdantException | UncheckedIOException e) {
      LOG.warn("Not pausing: cannot read the grid signals ({}); training goes on", e.getMessage());
      return Optional.empty();
    }
    for (Threshold t : thresholds) {
      Optional<Pause> p = check(rows, t, nowMs);
      if (p.isPresent()) {
        return p;
      }
    }
    return Optional.empty();
  }

  private Optional<Pause> check(List<SignalRow> rows, Threshold t, long nowMs) {
    String label = SignalFile.OPTION + " " + file;
    SignalSeries series = SignalSeries.of(rows, zone, t.signal(), label);
    Curve known = series.knownAt(nowMs + 1);
    double value = known.valueAt(nowMs);
    if (Double.isNaN(value)) {
      LOG.warn(
          "Not pausing: no {} value for zone {} at {} in {}; training goes on",
          t.signal(),
          zone,
          Times.iso(nowMs),
          label);
      return Optional.empty();
    }
    long issued = known.issuedAt(nowMs);
    if (issued != Curve.ACTUAL && nowMs - issued > MAX_FORECAST_AGE_MS) {
      LOG.warn(
          "Not pausing: the {} value for zone {} at {} in {} was issued at {}, more than {} before; training goes on",
          t.signal(),
          zone,
          Times.iso(nowMs),
          label,
          Times.iso(issued),
          Times.format(MAX_FORECAST_AGE_MS));
      return Optional.empty();
    }
    LOG.info(
        "Grid {} of zone {} at {}: {} ({} {})",
        t.signal(),
        zone,
        Times.iso(nowMs),
        value,
        t.option(),
        t.limit());
    if (value <= t.limit()) {
      return Optional.empty();
    }
    String unit =
        t.signal() == Signal.CARBON_INTENSITY ? t.signal().unit() : series.currency() + "/MWh";
    return Optional.of(new Pause(t, value, unit, zone, nowMs, label));
  }
}
