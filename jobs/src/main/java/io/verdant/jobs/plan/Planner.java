package io.verdant.jobs.plan;

import io.verdant.common.grid.Curve;
import io.verdant.common.grid.Signal;
import io.verdant.common.grid.Times;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses when to start a job: the start between the earliest allowed moment and the latest one
 * that still ends by the deadline that minimizes the objective over the job's power profile. The
 * objective is piecewise linear in the start (power and signals are step functions), so the optimum
 * is at one of the ends or where a profile step meets a signal step: those candidates are all
 * evaluated, and the earliest of equal ones wins.
 *
 * <p>When the job does not fit before the deadline, or the signals the objective needs have a gap
 * between the earliest start and the deadline, or a forecast used is older than the allowed age,
 * the plan falls back to running now (the earliest start) and says why.
 *
 * @param signals how messages name the signal file ("--signals FILE")
 */
public record Planner(Objective objective, String zone, String signals, long maxForecastAgeMs) {
  private static final Logger LOG = LoggerFactory.getLogger(Planner.class);

  /**
   * One decision.
   *
   * @param runNow the run started at the earliest moment allowed
   * @param planned the run started at the chosen start (as the signals known to the decision
   *     predict it)
   * @param fallback why the plan runs now instead of searching, or null
   * @param warnings figures that could not be given, and why
   */
  public record Decision(
      long decidedAtMs,
      long earliestMs,
      long deadlineMs,
      long startMs,
      Footprint runNow,
      Footprint planned,
      String fallback,
      List<String> warnings) {
    /** Whether the chosen start is at most {@code slackMs} after the decision. */
    public boolean startsWithin(long slackMs) {
      return startMs - decidedAtMs <= slackMs;
    }
  }

  /**
   * Plans a run of {@code profile} decided at {@code now}, starting no earlier than {@code
   * earliest} and ending by {@code deadline}; the grid must hold every curve the objective needs.
   */
  public Decision decide(Grid grid, PowerProfile profile, long now, long earliest, long deadline) {
    Footprint runNow = Footprint.of(grid, profile, earliest);
    String fallback = fallback(grid, profile, now, earliest, deadline);
    long start =
        fallback != null
            ? earliest
            : best(grid, profile, earliest, deadline - profile.durationMs(), runNow);
    Footprint planned = start == earliest ? runNow : Footprint.of(grid, profile, start);
    if (fallback != null) {
      LOG.warn("Plan: {}", fallback);
    }
    List<String> warnings = unknownFigures(grid, runNow, planned);
    warnings.forEach(w -> LOG.warn("Plan: {}", w));
    return new Decision(now, earliest, deadline, start, runNow, planned, fallback, warnings);
  }

  /** Why the plan cannot search (and runs now), or null. */
  private String fallback(Grid grid, PowerProfile p, long now, long earliest, long deadline) {
    if (deadline - p.durationMs() < earliest) {
      return String.format(
          Locale.ROOT,
          "the job's expected duration %s does not fit between the earliest start %s and"
              + " the deadline %s; running now",
          Times.format(p.durationMs()),
          Times.iso(earliest),
          Times.iso(deadline));
    }
    for (Signal s : objective.signals()) {
      Curve c = curve(grid, s);
      OptionalLong gap = c.firstGap(earliest, deadline);
      if (gap.isPresent()) {
        return String.format(
            Locale.ROOT,
            "no %s value for zone %s at %s in %s (the series must cover the earliest start"
                + " %s to the deadline %s); running now",
            s,
            zone,
            Times.iso(gap.getAsLong()),
            signals,
            Times.iso(earliest),
            Times.iso(deadline));
      }
      long oldest = c.oldestIssue(earliest, deadline);
      if (oldest != Long.MAX_VALUE && now - oldest > maxForecastAgeMs) {
        return String.format(
            Locale.ROOT,
            "the %s forecast for zone %s in %s was issued at %s, more than"
                + " --max-forecast-age %s before the decision at %s; running now",
            s,
            zone,
            signals,
            Times.iso(oldest),
            Times.format(maxForecastAgeMs),
            Times.iso(now));
      }
    }
    return null;
  }

  private long best(Grid grid, PowerProfile p, long earliest, long latest, Footprint runNow) {
    TreeSet<Long> candidates = new TreeSet<>(List.of(earliest, latest));
    long[] offsets = p.offsets();
    for (Signal s : objective.signals()) {
      for (long change : curve(grid, s).changesIn(earliest, latest + p.durationMs())) {
        for (long o : offsets) {
          if (change - o >= earliest && change - o <= latest) {
            candidates.add(change - o);
          }
        }
      }
    }
    long best = earliest;
    double bestScore = Double.POSITIVE_INFINITY;
    for (long c : candidates) {
      double score = objective.score(Footprint.of(grid, p, c), runNow);
      if (Double.isInfinite(bestScore) || score < bestScore - 1e-9 * Math.abs(bestScore)) {
        best = c;
        bestScore = score;
      }
    }
    return best;
  }

  /** Warnings for figures outside the objective whose signal exists but does not cover a run. */
  private List<String> unknownFigures(Grid grid, Footprint runNow, Footprint planned) {
    List<String> out = new ArrayList<>();
    if (grid.carbon() != null && (runNow.co2eG() == null || planned.co2eG() == null)) {
      out.add(
          String.format(
              Locale.ROOT,
              "the carbon_intensity series of zone %s in %s does not cover %s: its gCO2e is"
                  + " not reported",
              zone,
              signals,
              runNow.co2eG() == null ? "running now" : "the planned window"));
    }
    if (grid.price() != null && (runNow.cost() == null || planned.cost() == null)) {
      out.add(
          String.format(
              Locale.ROOT,
              "the price series of zone %s in %s does not cover %s: its cost is not reported",
              zone,
              signals,
              runNow.cost() == null ? "running now" : "the planned window"));
    }
    return out;
  }

  private static Curve curve(Grid grid, Signal s) {
    return s == Signal.CARBON_INTENSITY ? grid.carbon() : grid.price();
  }
}
