package io.verdant.jobs.report;

import io.verdant.common.VerdantException;
import io.verdant.common.ledger.LedgerReader;
import io.verdant.common.ledger.LedgerSummary;
import io.verdant.common.ledger.LedgerSummary.EnergyPart;
import io.verdant.common.ledger.LedgerSummary.Run;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** Everything a report shows, read (and checked) before anything is written. */
public record ReportData(String ledger, List<RunData> runs) {

  /**
   * Reads the chosen runs' ledger rows and the files they name.
   *
   * @throws VerdantException for an empty ledger, a run id not in it, or a missing file a run names
   */
  public static ReportData load(String root, Configuration conf, RunSelection selection) {
    LedgerReader reader = new LedgerReader(root, conf);
    List<Run> all = LedgerSummary.runs(reader);
    if (all.isEmpty()) {
      throw VerdantException.of("--ledger %s holds no runs", root);
    }
    List<RunData> runs = new ArrayList<>();
    for (Run r : selection.choose(all, root)) {
      List<EnergyPart> energy = LedgerSummary.energy(reader, r.runId());
      runs.add(new RunData(r, LedgerSummary.lines(r, energy), energy, Task.of(reader, r.runId()),
          IntensitySeries.of(r, conf), ModelReports.trained(r, conf), ModelReports.compressed(r, conf)));
    }
    return new ReportData(root, List.copyOf(runs));
  }

  /** The runs of one job, oldest first. */
  public List<RunData> ofJob(String job) {
    return runs.stream().filter(r -> job.equals(r.run().job())).toList();
  }
}
