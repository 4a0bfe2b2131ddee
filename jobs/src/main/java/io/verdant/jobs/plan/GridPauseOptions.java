package io.verdant.jobs.plan;

import io.verdant.common.Checks;
import io.verdant.common.grid.Signal;
import io.verdant.common.grid.SignalFile;
import io.verdant.common.grid.SignalRow;
import io.verdant.common.grid.SignalSeries;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/**
 * A job's options for pausing with the grid (a picocli mixin): thresholds, and the signals they are
 * read from.
 */
public final class GridPauseOptions {
  @Option(
      names = "--pause-above",
      paramLabel = "G",
      description =
          "Pause at an epoch boundary when the grid's carbon intensity now is above G gCO2e/kWh (read from --signals for --zone): checkpoint, record paused_for_carbon, exit 75; --resume continues. Default: never.")
  Double pauseAbove;

  @Option(
      names = "--pause-above-price",
      paramLabel = "P",
      description =
          "As --pause-above, for the price per MWh in the signals' currency (paused_for_price). Default: never.")
  Double pauseAbovePrice;

  @Option(
      names = "--signals",
      paramLabel = "FILE",
      description =
          "Grid signals for --pause-above and --pause-above-price (formats: docs/scheduling.md), read at every check.")
  String signals;

  @Option(
      names = "--zone",
      paramLabel = "ZONE",
      description = "The grid zone of the signals to use.")
  String zone;

  /** The option rules, before any file is read. */
  public void validate() {
    if (pauseAbove != null) {
      Checks.atLeast("--pause-above", pauseAbove, 0);
    }
    if (pauseAbovePrice != null) {
      Checks.checkArgument(
          Double.isFinite(pauseAbovePrice),
          "--pause-above-price must be a number, cannot be: %s",
          pauseAbovePrice);
    }
    boolean threshold = pauseAbove != null || pauseAbovePrice != null;
    Checks.checkArgument(
        !threshold || (signals != null && zone != null),
        "--pause-above and --pause-above-price need --signals and --zone");
    Checks.checkArgument(
        threshold || (signals == null && zone == null),
        "--signals and --zone are read only by --pause-above and --pause-above-price: give a threshold or leave them out");
  }

  /** The signal file must hold the thresholds' signals for the zone (before the job starts). */
  public void checkInputs(Configuration conf) {
    if (signals == null) {
      return;
    }
    List<SignalRow> rows = SignalFile.read(signals, conf);
    for (GridPause.Threshold t : thresholds()) {
      SignalSeries.require(rows, zone, t.signal(), SignalFile.OPTION + " " + signals, t.option());
    }
  }

  /** The pause check, or null when no threshold is given. */
  public GridPause pause(Configuration conf) {
    return signals == null ? null : new GridPause(signals, zone, thresholds(), conf);
  }

  private List<GridPause.Threshold> thresholds() {
    List<GridPause.Threshold> out = new ArrayList<>();
    if (pauseAbove != null) {
      out.add(new GridPause.Threshold(Signal.CARBON_INTENSITY, pauseAbove, "--pause-above"));
    }
    if (pauseAbovePrice != null) {
      out.add(new GridPause.Threshold(Signal.PRICE, pauseAbovePrice, "--pause-above-price"));
    }
    return out;
  }
}
