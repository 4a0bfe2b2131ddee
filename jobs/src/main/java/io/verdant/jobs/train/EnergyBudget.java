package io.verdant.jobs.train;

import java.util.Locale;
import java.util.Optional;

/**
 * train's --energy-budget-wh: after each epoch, the run's energy so far plus the mean energy of
 * this run's epochs for each epoch left. When that projection passes the budget, training stops and
 * keeps the best model.
 *
 * @param beforeEpochsWh the run's energy before its first epoch (export and setup), not part of the
 *     per-epoch mean
 * @param firstEpoch the first epoch this process trains (after a resume, the one after the
 *     checkpoint)
 */
public record EnergyBudget(
    double budgetWh, int totalEpochs, double beforeEpochsWh, int firstEpoch) {

  /** The projection after an epoch. */
  public record Projection(double usedWh, double perEpochWh, double projectedWh) {}

  public Projection project(int epoch, double usedWh) {
    double perEpochWh = (usedWh - beforeEpochsWh) / (epoch - firstEpoch + 1);
    return new Projection(usedWh, perEpochWh, usedWh + perEpochWh * (totalEpochs - epoch));
  }

  /**
   * Why training stops after {@code epoch}, or empty when it goes on (also after the last epoch).
   */
  public Optional<String> check(int epoch, double usedWh, int bestEpoch) {
    if (epoch >= totalEpochs) {
      return Optional.empty();
    }
    Projection p = project(epoch, usedWh);
    if (p.projectedWh() <= budgetWh) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "energy budget: %.4f Wh projected for %d epochs (%.4f Wh used after epoch %d, %.4f Wh per epoch) exceeds"
                + " --energy-budget-wh %s; stopped after epoch %d, keeping the best model (epoch %d)",
            p.projectedWh(),
            totalEpochs,
            p.usedWh(),
            epoch,
            p.perEpochWh(),
            budgetWh,
            epoch,
            bestEpoch));
  }
}
