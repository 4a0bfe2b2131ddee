package io.verdant.jobs.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.VerdantException;
import io.verdant.jobs.model.NetParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sparsity plan and its search: choosing from the sensitivity analysis, backing off, accepting
 * and giving up.
 */
class SparsitySearchTest {
  private static final List<NetParams.Param> WEIGHTS =
      List.of(
          new NetParams.Param("0_W", 0, new int[] {784, 300}, 0, 235_200, true, false),
          new NetParams.Param("2_W", 2, new int[] {300, 10}, 235_500, 3_000, true, false));
  private static final List<Double> GRID = List.of(0.5, 0.7, 0.9);
  // Validation accuracy of each layer pruned alone at 50%, 70%, 90%; unpruned 0.95.
  private static final Map<String, double[]> SENSITIVITY =
      Map.of(
          "layer0", new double[] {0.95, 0.945, 0.94},
          "layer2", new double[] {0.95, 0.93, 0.80});

  /**
   * An attempt whose validation accuracy after weight sharing is given per (layer0, layer2)
   * sparsity.
   */
  private record Outcome(double validationPruned, double validationQuantized)
      implements SparsitySearch.Outcome {}

  @Test
  void choosesTheLargestSparsityWithinTheToleranceAndKeepsTheUsersChoice() {
    SparsityPlan auto = SparsityPlan.choose(WEIGHTS, null, SENSITIVITY, GRID, 0.95, 1.5);
    assertEquals(Map.of("layer0", 0.9, "layer2", 0.5), auto.byLayerName());
    assertTrue(auto.automatic());
    SparsityPlan mixed =
        SparsityPlan.choose(
            WEIGHTS,
            LayerSpec.parse("--sparsity", "layer0=0.8", 0, 0.99, false),
            SENSITIVITY,
            GRID,
            0.95,
            1.5);
    assertEquals(Map.of("layer0", 0.8, "layer2", 0.5), mixed.byLayerName());
    SparsityPlan user =
        SparsityPlan.choose(
            WEIGHTS,
            LayerSpec.parse("--sparsity", "0.6", 0, 0.99, false),
            Map.of(),
            GRID,
            0.95,
            1.5);
    assertFalse(user.automatic());
  }

  @Test
  void backingOffLowersOnlyAutomaticLayersToTheNextGridPointThenZero() {
    SparsityPlan mixed =
        SparsityPlan.choose(
            WEIGHTS,
            LayerSpec.parse("--sparsity", "layer2=0.3", 0, 0.99, false),
            SENSITIVITY,
            GRID,
            0.95,
            1.5);
    assertEquals(Map.of("layer0", 0.9, "layer2", 0.3), mixed.byLayerName());
    assertEquals(Map.of("layer0", 0.7, "layer2", 0.3), mixed.backedOff().byLayerName());
    assertEquals(Map.of("layer0", 0.5, "layer2", 0.3), mixed.backedOff().backedOff().byLayerName());
    assertEquals(
        Map.of("layer0", 0.0, "layer2", 0.3),
        mixed.backedOff().backedOff().backedOff().byLayerName());
  }

  @Test
  void aRejectedAttemptBacksOffAndTheSecondAttemptIsAccepted() {
    List<Map<String, Double>> tried = new ArrayList<>();
    SparsityPlan first = SparsityPlan.choose(WEIGHTS, null, SENSITIVITY, GRID, 0.95, 1.5);
    var accepted =
        new SparsitySearch(0.95, 0.5, 3)
            .run(
                first,
                plan -> {
                  tried.add(plan.byLayerName());
                  // Layer 0 at 90% loses 1 pp; at 70% 0.3 pp.
                  return plan.byLayerName().get("layer0") > 0.8
                      ? new Outcome(0.945, 0.94)
                      : new Outcome(0.949, 0.947);
                });
    assertEquals(
        List.of(Map.of("layer0", 0.9, "layer2", 0.5), Map.of("layer0", 0.7, "layer2", 0.0)), tried);
    assertEquals(2, accepted.attempts().size());
    assertFalse(accepted.attempts().get(0).accepted());
    assertEquals(1.0, accepted.attempts().get(0).validationDropPercentagePoints(), 1e-9);
    assertTrue(accepted.attempts().get(1).accepted());
    assertEquals(Map.of("layer0", 0.7, "layer2", 0.0), accepted.plan().byLayerName());
  }

  @Test
  void givesUpAfterMaxAttempts() {
    SparsityPlan first = SparsityPlan.choose(WEIGHTS, null, SENSITIVITY, GRID, 0.95, 1.5);
    int[] runs = {0};
    VerdantException e =
        assertThrows(
            VerdantException.class,
            () ->
                new SparsitySearch(0.95, 0.5, 2)
                    .run(
                        first,
                        plan -> {
                          runs[0]++;
                          return new Outcome(0.93, 0.92);
                        }));
    assertEquals(2, runs[0]);
    assertEquals(
        "the compressed model loses 3.00 percentage points of validation accuracy (95.00% -> 93.00% after pruning and"
            + " retraining -> 92.00% after weight sharing), more than --max-accuracy-drop 0.5; tried 2 configurations (--max-attempts)",
        e.getMessage());
  }

  @Test
  void givesUpAtOnceWhenTheUserChoseEverySparsity() {
    SparsityPlan user =
        SparsityPlan.choose(
            WEIGHTS,
            LayerSpec.parse("--sparsity", "0.9", 0, 0.99, false),
            Map.of(),
            GRID,
            0.95,
            1.5);
    int[] runs = {0};
    VerdantException e =
        assertThrows(
            VerdantException.class,
            () ->
                new SparsitySearch(0.95, 2, 3)
                    .run(
                        user,
                        plan -> {
                          runs[0]++;
                          return new Outcome(0.90, 0.90);
                        }));
    assertEquals(1, runs[0]);
    assertTrue(
        e.getMessage()
            .endsWith(
                "more than --max-accuracy-drop 2; lower --sparsity, raise --bits or --retrain-epochs, or"
                    + " allow a larger drop"),
        e.getMessage());
  }
}
