package io.verdant.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The energy-budget projection: energy so far plus this run's mean per epoch for each epoch left.
 */
class EnergyBudgetTest {
  @Test
  void projectsFromTheMeanOfThisRunsEpochs() {
    // 0.5 Wh before the first epoch, then 1 Wh per epoch: after epoch 2 of 10, 2.5 Wh used, 10.5 Wh
    // projected.
    EnergyBudget b = new EnergyBudget(20, 10, 0.5, 1);
    EnergyBudget.Projection p = b.project(2, 2.5);
    assertEquals(1.0, p.perEpochWh(), 1e-12);
    assertEquals(10.5, p.projectedWh(), 1e-12);
    assertEquals(Optional.empty(), b.check(2, 2.5, 2));
  }

  @Test
  void stopsWhenTheProjectionPassesTheBudgetAndNamesTheFigures() {
    EnergyBudget b = new EnergyBudget(8, 10, 0.5, 1);
    Optional<String> stop = b.check(2, 2.5, 1);
    assertEquals(
        "energy budget: 10.5000 Wh projected for 10 epochs (2.5000 Wh used after epoch 2, 1.0000 Wh per epoch) exceeds"
            + " --energy-budget-wh 8.0; stopped after epoch 2, keeping the best model (epoch 1)",
        stop.orElseThrow());
  }

  @Test
  void aResumedRunCountsOnlyItsOwnEpochsAndTheLastEpochNeverStops() {
    // Resumed after epoch 4: epochs 5 and 6 took 3 Wh in this process.
    EnergyBudget b = new EnergyBudget(5, 8, 1.0, 5);
    assertEquals(1.5, b.project(6, 4.0).perEpochWh(), 1e-12);
    assertTrue(b.check(6, 4.0, 6).isPresent());
    assertEquals(Optional.empty(), b.check(8, 100, 8));
  }
}
