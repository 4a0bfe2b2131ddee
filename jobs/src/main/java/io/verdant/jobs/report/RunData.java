package io.verdant.jobs.report;

import io.verdant.common.energy.EnergyRow;
import io.verdant.common.ledger.LedgerSummary.Line;
import io.verdant.common.ledger.LedgerSummary.Run;
import io.verdant.common.ledger.TaskRow;
import io.verdant.jobs.compress.CompressionReport;
import io.verdant.jobs.model.ModelInfo;
import java.util.List;

/**
 * What the report shows of one run: its ledger rows (runs, energy, utilization), the summary lines
 * {@code ledger show} prints, the grid intensity series it was accounted with (null for a constant
 * intensity), and the model.json of a train run or the report.json of a compress run (null for
 * other runs).
 */
public record RunData(
    Run run,
    List<Line> lines,
    List<EnergyRow> energy,
    List<TaskRow> tasks,
    IntensitySeries intensity,
    ModelInfo model,
    CompressionReport compression) {

  /** The summary's {@code total} line. */
  public Line total() {
    return lines.get(lines.size() - 1);
  }

  public String id() {
    return run.runId();
  }

  /**
   * The run's resulting test accuracy: a trained model's, or a compressed model's after decoding;
   * else null.
   */
  public Double testAccuracy() {
    if (model != null && model.test() != null) {
      return model.test().accuracy();
    }
    return compression == null ? null : compression.testAccuracy().afterDecoding();
  }
}
