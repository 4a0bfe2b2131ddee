package io.verdant.jobs.plan;

import io.verdant.common.VerdantException;
import io.verdant.common.grid.Signal;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** What a plan minimizes over the candidate start times: lower scores are better. */
public interface Objective {
  /** The name as given to --objective. */
  String name();

  /** The signals it needs. */
  List<Signal> signals();

  /**
   * The score of running at {@code candidate}; {@code runNow} is the run started as early as
   * allowed.
   */
  double score(Footprint candidate, Footprint runNow);

  /**
   * --objective: {@code carbon}, {@code cost} or {@code weighted:W} (W in [0, 1], the weight of
   * carbon).
   */
  static Objective parse(String s) {
    String v = s == null ? "" : s.trim();
    if (v.equals("carbon")) {
      return CARBON;
    }
    if (v.equals("cost")) {
      return COST;
    }
    if (v.startsWith("weighted:")) {
      try {
        double w = Double.parseDouble(v.substring("weighted:".length()));
        if (w >= 0 && w <= 1) {
          return new Weighted(w);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw VerdantException.of(
        "--objective must be carbon, cost or weighted:W with W from 0 to 1 (the weight of carbon), cannot be: %s",
        s);
  }

  /** Grams of CO2e. */
  Objective CARBON = new Single("carbon", Signal.CARBON_INTENSITY, Footprint::co2eG);

  /** The energy bill. */
  Objective COST = new Single("cost", Signal.PRICE, Footprint::cost);

  /** One figure of the candidate run, from the one signal it needs. */
  record Single(String name, Signal signal, ToDoubleFunction<Footprint> figure)
      implements Objective {
    @Override
    public List<Signal> signals() {
      return List.of(signal);
    }

    @Override
    public double score(Footprint candidate, Footprint runNow) {
      return figure.applyAsDouble(candidate);
    }
  }

  /**
   * W x carbon + (1 - W) x cost, each relative to running now (grams and money have no common
   * unit): 0.5 values a 10% cut of carbon as much as a 10% cut of cost.
   */
  record Weighted(double carbonWeight) implements Objective {
    @Override
    public String name() {
      return "weighted:" + carbonWeight;
    }

    @Override
    public List<Signal> signals() {
      return List.of(Signal.CARBON_INTENSITY, Signal.PRICE);
    }

    @Override
    public double score(Footprint candidate, Footprint runNow) {
      return carbonWeight * candidate.co2eG() / scale(runNow.co2eG())
          + (1 - carbonWeight) * candidate.cost() / scale(runNow.cost());
    }

    private static double scale(double v) {
      return v == 0 ? 1 : Math.abs(v);
    }
  }
}
