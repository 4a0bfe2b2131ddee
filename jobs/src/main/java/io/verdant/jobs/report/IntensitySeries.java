package io.verdant.jobs.report;

import io.verdant.common.VerdantException;
import io.verdant.common.energy.GridIntensity;
import io.verdant.common.ledger.LedgerSummary.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The grid intensity series a run was accounted with ({@code --grid-intensity-csv}, recorded in the
 * ledger as the run's intensity source {@code csv:<file>}), as steps over a window around the run:
 * the same file, read the same way, as the job read it.
 */
public record IntensitySeries(String file, long fromMs, long toMs, List<Step> steps) {
  static final String CSV_SOURCE = "csv:";

  /** The least time shown on either side of a run, so the steps around a short run show. */
  private static final long MIN_MARGIN_MS = 30 * 60 * 1000L;

  /** The intensity in force from {@code atMs} on, gCO2e/kWh. */
  public record Step(long atMs, double gPerKwh) {}

  /** The series of a run accounted with one, else null. */
  static IntensitySeries of(Run run, Configuration conf) {
    if (run.source() == null || !run.source().startsWith(CSV_SOURCE)) {
      return null;
    }
    String file = run.source().substring(CSV_SOURCE.length());
    try {
      Path p = new Path(file);
      if (!p.getFileSystem(conf).exists(p)) {
        throw VerdantException.of(
            "run %s was accounted with the grid intensity series %s, which does not exist",
            run.runId(), file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the grid intensity series " + file, e);
    }
    GridIntensity g = GridIntensity.csv(file, conf);
    long margin = Math.max(MIN_MARGIN_MS, run.wallMs());
    long from = run.startMs() - margin;
    long to = run.startMs() + run.wallMs() + margin;
    List<Step> steps = new ArrayList<>();
    steps.add(new Step(from, g.at(from)));
    g.changesBetween(from, to).forEach(t -> steps.add(new Step(t, g.at(t))));
    steps.add(new Step(to, g.at(to)));
    return new IntensitySeries(file, from, to, List.copyOf(steps));
  }
}
