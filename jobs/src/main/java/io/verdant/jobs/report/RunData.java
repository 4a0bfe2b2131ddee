package io.verdant.jobs.report;

import io.verdant.common.ledger.LedgerSummary.EnergyPart;
import io.verdant.common.ledger.LedgerSummary.Line;
import io.verdant.common.ledger.LedgerSummary.Run;
import java.util.List;

/**
 * What the report shows of one run: its ledger rows (runs, energy, utilization), the summary lines {@code ledger
 * show} prints, and the grid intensity series it was accounted with (null for a constant intensity).
 */
public record RunData(Run run, List<Line> lines, List<EnergyPart> energy, List<Task> tasks, IntensitySeries intensity) {

  /** The summary's {@code total} line. */
  public Line total() {
    return lines.get(lines.size() - 1);
  }

  public String id() {
    return run.runId();
  }
}
