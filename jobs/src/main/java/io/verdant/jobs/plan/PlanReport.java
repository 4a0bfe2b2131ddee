package io.verdant.jobs.plan;

import io.verdant.common.grid.Times;
import java.util.List;

/**
 * What {@code verdant plan} decided, as written to its JSON file (docs/scheduling.md documents
 * every field).
 *
 * @param runId the planned job's --run-id, or null
 * @param expectedWh the job's expected IT energy (before PUE)
 * @param startNow whether the chosen start is within --slack of the decision (what --check answers)
 * @param runNow the run started at the earliest moment allowed (now, or --not-before)
 * @param window the run started at the chosen start
 * @param currency of the costs, or null without a price series
 * @param fallback why the plan runs now instead of choosing, or null
 */
public record PlanReport(
    int schemaVersion,
    String decidedAt,
    String job,
    String runId,
    String zone,
    String signals,
    String objective,
    Estimate estimate,
    double expectedWh,
    double pue,
    String earliestStart,
    String deadline,
    boolean startNow,
    Figures runNow,
    Figures window,
    String currency,
    Double savingCo2ePercent,
    Double savingCostPercent,
    String fallback,
    List<String> warnings) {
  public static final int SCHEMA_VERSION = 1;

  /** One way to run: when, and its predicted carbon (g CO2e) and cost (null where not known). */
  public record Figures(String start, String end, Double co2eG, Double cost) {
    static Figures of(Footprint f) {
      return new Figures(Times.iso(f.startMs()), Times.iso(f.endMs()), f.co2eG(), f.cost());
    }
  }

  public static PlanReport of(
      Planner.Decision d,
      JobSpec job,
      Estimate estimate,
      Grid grid,
      Objective objective,
      String zone,
      String signals,
      long slackMs) {
    return new PlanReport(
        SCHEMA_VERSION,
        Times.iso(d.decidedAtMs()),
        job.job(),
        job.runId(),
        zone,
        signals,
        objective.name(),
        estimate,
        estimate.energyWh(),
        grid.pue(),
        Times.iso(d.earliestMs()),
        Times.iso(d.deadlineMs()),
        d.startsWithin(slackMs),
        Figures.of(d.runNow()),
        Figures.of(d.planned()),
        grid.price() == null ? null : grid.currency(),
        Footprint.savingPercent(d.runNow().co2eG(), d.planned().co2eG()),
        Footprint.savingPercent(d.runNow().cost(), d.planned().cost()),
        d.fallback(),
        d.warnings());
  }
}
