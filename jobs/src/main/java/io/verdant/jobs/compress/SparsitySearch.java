package io.verdant.jobs.compress;

import io.verdant.common.Checks;
import io.verdant.common.VerdantException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries sparsity plans until the compressed model keeps validation accuracy within
 * --max-accuracy-drop: each rejected attempt backs the automatic sparsities off; with none
 * automatic, or after --max-attempts, it gives up with an error that says what was lost and what to
 * change.
 */
public final class SparsitySearch {
  private static final Logger LOG = LoggerFactory.getLogger(SparsitySearch.class);

  /** One attempt's validation accuracies after pruning and retraining, and after weight sharing. */
  public interface Outcome {
    double validationPruned();

    double validationQuantized();
  }

  /** Runs one attempt of the whole pipeline with a plan. */
  @FunctionalInterface
  public interface Attempt<T extends Outcome> {
    T run(SparsityPlan plan);
  }

  /** What the report keeps of an attempt. */
  public record AttemptRecord(
      int attempt,
      Map<String, Double> sparsity,
      double validationAccuracyPruned,
      double validationAccuracyQuantized,
      double validationDropPercentagePoints,
      boolean accepted) {}

  /** The accepted attempt, its plan, and every attempt made. */
  public record Accepted<T>(T outcome, SparsityPlan plan, List<AttemptRecord> attempts) {}

  private final double baselineAccuracy;
  private final double maxDropPp;
  private final int maxAttempts;

  public SparsitySearch(double baselineAccuracy, double maxDropPp, int maxAttempts) {
    this.baselineAccuracy = baselineAccuracy;
    this.maxDropPp = maxDropPp;
    this.maxAttempts = maxAttempts;
  }

  public <T extends Outcome> Accepted<T> run(SparsityPlan first, Attempt<T> attempt) {
    List<AttemptRecord> records = new ArrayList<>();
    SparsityPlan plan = first;
    for (int n = 1; ; n++) {
      T o = attempt.run(plan);
      double drop = (baselineAccuracy - o.validationQuantized()) * 100;
      boolean ok = drop <= maxDropPp;
      records.add(
          new AttemptRecord(
              n, plan.byLayerName(), o.validationPruned(), o.validationQuantized(), drop, ok));
      if (ok) {
        return new Accepted<>(o, plan, List.copyOf(records));
      }
      LOG.info(
          "Attempt {}: validation accuracy {} -> {} pruned and retrained -> {} quantized: dropped {} pp, more than"
              + " --max-accuracy-drop {}",
          n,
          baselineAccuracy,
          o.validationPruned(),
          o.validationQuantized(),
          drop,
          maxDropPp);
      if (!plan.automatic() || n >= maxAttempts) {
        throw giveUp(o, drop, plan.automatic(), n);
      }
      plan = plan.backedOff();
    }
  }

  private VerdantException giveUp(Outcome o, double drop, boolean automatic, int attempts) {
    return VerdantException.of(
        "the compressed model loses %.2f percentage points of validation accuracy (%.2f%% -> %.2f%%"
            + " after pruning and retraining -> %.2f%% after weight sharing), more than --max-accuracy-drop %s; %s",
        drop,
        baselineAccuracy * 100,
        o.validationPruned() * 100,
        o.validationQuantized() * 100,
        Checks.number(maxDropPp),
        automatic
            ? "tried " + attempts + " configurations (--max-attempts)"
            : "lower --sparsity, raise --bits or --retrain-epochs, or allow a larger drop");
  }
}
