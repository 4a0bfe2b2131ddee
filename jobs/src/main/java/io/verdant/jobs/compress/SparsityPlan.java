package io.verdant.jobs.compress;

import io.verdant.jobs.model.NetParams;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The target sparsity of every weight layer for one compression attempt: the user's where given
 * (--sparsity), else the largest sparsity of the sensitivity grid whose accuracy drop, that layer
 * pruned alone, stays within the tolerance. When an attempt loses too much accuracy, {@link
 * #backedOff()} lowers every automatic layer to the next lower grid point; the user's stay as
 * given.
 */
public final class SparsityPlan {
  private final List<NetParams.Param> weights;
  private final Map<String, Double> targets;
  private final Set<String> automatic;
  private final List<Double> grid;

  private SparsityPlan(
      List<NetParams.Param> weights,
      Map<String, Double> targets,
      Set<String> automatic,
      List<Double> grid) {
    this.weights = weights;
    this.targets = Collections.unmodifiableMap(targets);
    this.automatic = automatic;
    this.grid = grid;
  }

  /**
   * The first plan. {@code sensitivity} maps a layer name to the validation accuracy at each grid
   * sparsity (pruned alone); it must cover every layer {@code user} (may be null) leaves open.
   */
  public static SparsityPlan choose(
      List<NetParams.Param> weights,
      LayerSpec user,
      Map<String, double[]> sensitivity,
      List<Double> grid,
      double baselineAccuracy,
      double tolerancePp) {
    Map<String, Double> targets = new LinkedHashMap<>();
    Set<String> automatic = new TreeSet<>();
    for (NetParams.Param p : weights) {
      Double given = user == null ? null : user.valueFor(p);
      if (given != null) {
        targets.put(p.key(), given);
        continue;
      }
      double chosen = 0;
      double[] acc = sensitivity.get(p.layerName());
      for (int i = 0; i < acc.length; i++) {
        if ((baselineAccuracy - acc[i]) * 100 <= tolerancePp) {
          chosen = Math.max(chosen, grid.get(i));
        }
      }
      targets.put(p.key(), chosen);
      automatic.add(p.key());
    }
    return new SparsityPlan(weights, targets, automatic, grid);
  }

  /**
   * Whether some layer's sparsity came from the analysis, so that backing off can change the plan.
   */
  public boolean automatic() {
    return !automatic.isEmpty();
  }

  /** Target sparsity by parameter key ({@code 0_W}). */
  public Map<String, Double> targets() {
    return targets;
  }

  public double target(NetParams.Param p) {
    return targets.get(p.key());
  }

  /** Target sparsity by layer name ({@code layer0}), as reports show it. */
  public Map<String, Double> byLayerName() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (NetParams.Param p : weights) {
      out.put(p.layerName(), targets.get(p.key()));
    }
    return out;
  }

  /** The next plan: every automatic layer at the next lower grid point (0 below the lowest). */
  public SparsityPlan backedOff() {
    Map<String, Double> next = new LinkedHashMap<>(targets);
    for (String key : automatic) {
      double current = next.get(key);
      double lower = 0;
      for (double g : grid) {
        if (g < current - 1e-9) {
          lower = Math.max(lower, g);
        }
      }
      next.put(key, lower);
    }
    return new SparsityPlan(weights, next, automatic, grid);
  }
}
