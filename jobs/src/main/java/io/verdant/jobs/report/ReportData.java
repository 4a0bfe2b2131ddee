package io.verdant.jobs.report;

import io.verdant.common.VerdantException;
import io.verdant.common.energy.EnergyRow;
import io.verdant.common.ledger.LedgerReader;
import io.verdant.common.ledger.LedgerSummary;
import io.verdant.common.ledger.LedgerSummary.Run;
import io.verdant.common.ledger.LedgerTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;

/**
 * Everything a report shows, read (and checked) before anything is written: the chosen runs, and
 * the registered model versions they wrote with their lineage's footprint (empty without a
 * registry).
 */
public record ReportData(String ledger, List<RunData> runs, List<ModelLineage> lineage) {

  /**
   * Reads the chosen runs' ledger rows and the files they name, and with a registry ({@code
   * --models}, else null) the model versions they wrote.
   *
   * @throws VerdantException for a missing or empty ledger, a run id not in it, a missing file a
   *     run names, or a registry that does not exist
   */
  public static ReportData load(
      String root, Configuration conf, RunSelection selection, String registry) {
    LedgerReader reader = new LedgerReader(root, conf);
    reader.requireRoot();
    // A run paused for the grid and continued has a row per segment: shown once, as ledger show
    // shows it.
    List<Run> all =
        LedgerSummary.byRun(reader).values().stream().map(LedgerSummary::merge).toList();
    if (all.isEmpty()) {
      throw VerdantException.of("--ledger %s holds no runs", root);
    }
    List<RunData> runs = new ArrayList<>();
    for (Run r : selection.choose(all, root)) {
      List<EnergyRow> energy = LedgerTables.energy(reader, r.runId());
      runs.add(
          new RunData(
              r,
              LedgerSummary.lines(r, energy),
              energy,
              LedgerTables.tasks(reader, r.runId()),
              IntensitySeries.of(r, conf),
              ModelReports.trained(r, conf),
              ModelReports.compressed(r, conf)));
    }
    Set<String> ids = runs.stream().map(RunData::id).collect(Collectors.toSet());
    return new ReportData(
        root,
        List.copyOf(runs),
        registry == null ? List.of() : ModelLineage.of(registry, ids, reader, conf));
  }

  /** The runs of one job, oldest first. */
  public List<RunData> ofJob(String job) {
    return runs.stream().filter(r -> job.equals(r.run().job())).toList();
  }
}
