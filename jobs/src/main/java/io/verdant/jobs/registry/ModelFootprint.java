package io.verdant.jobs.registry;

import io.verdant.common.ledger.LedgerReader;
import io.verdant.common.ledger.LedgerTables;
import io.verdant.common.ledger.RunRow;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model version's energy and carbon from the ledger: the runs of its lineage (ingest, train,
 * compress), and the succeeded {@code score} runs whose {@link RunAttributes#MODEL_SHA256} is the
 * version's SHA-256, with the predictions they made.
 *
 * @param ledgerRoot the ledger read
 */
public record ModelFootprint(List<StepCost> lineage, Scoring scoring, String ledgerRoot) {
  private static final Logger LOG = LoggerFactory.getLogger(ModelFootprint.class);
  private static final String SUCCEEDED = "succeeded";

  /** One lineage step's run; {@code status} is null when the run is not in the ledger. */
  public record StepCost(String step, String runId, String status, double energyJ, double co2eG) {
    public boolean inLedger() {
      return status != null;
    }
  }

  /** The scoring runs of the model: how many, their predictions, energy and carbon. */
  public record Scoring(int runs, long predictions, double energyJ, double co2eG) {}

  public double lineageEnergyJ() {
    return lineage.stream().mapToDouble(StepCost::energyJ).sum();
  }

  public double lineageCo2eG() {
    return lineage.stream().mapToDouble(StepCost::co2eG).sum();
  }

  /** Lineage runs the ledger does not hold (recorded elsewhere, or run with --no-ledger). */
  public long missing() {
    return lineage.stream().filter(s -> !s.inLedger()).count();
  }

  /** The footprint of {@code version} in the ledger that {@code reader} reads. */
  public static ModelFootprint of(ModelVersion version, LedgerReader reader) {
    List<RunRow> runs = LedgerTables.runs(reader);
    Map<String, RunRow> byId =
        runs.stream().collect(Collectors.toMap(RunRow::runId, Function.identity(), (a, b) -> b));
    List<StepCost> lineage =
        version.lineage().steps().stream()
            .map(
                s -> {
                  RunRow r = byId.get(s.runId());
                  return r == null
                      ? new StepCost(s.step(), s.runId(), null, 0, 0)
                      : new StepCost(s.step(), s.runId(), r.status(), r.energyJ(), r.co2eG());
                })
            .toList();
    return new ModelFootprint(lineage, scoring(runs, version.sha256()), reader.root());
  }

  private static Scoring scoring(List<RunRow> runs, String sha256) {
    int count = 0;
    long predictions = 0;
    double j = 0;
    double g = 0;
    for (RunRow r : runs) {
      if (!RunAttributes.SCORE_JOB.equals(r.job()) || !SUCCEEDED.equals(r.status())) {
        continue;
      }
      Map<String, String> attributes = r.attributes();
      if (!sha256.equals(attributes.get(RunAttributes.MODEL_SHA256))) {
        continue;
      }
      long n = predictions(r, attributes.get(RunAttributes.PREDICTIONS));
      if (n > 0) {
        count++;
        predictions += n;
        j += r.energyJ();
        g += r.co2eG();
      }
    }
    return new Scoring(count, predictions, j, g);
  }

  private static long predictions(RunRow r, String value) {
    try {
      return value == null ? 0 : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      LOG.warn(
          "Score run {} records {} = {}, not a number of predictions; skipped",
          r.runId(),
          RunAttributes.PREDICTIONS,
          value);
      return 0;
    }
  }
}
