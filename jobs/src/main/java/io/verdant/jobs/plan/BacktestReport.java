package io.verdant.jobs.plan;

import java.util.List;

/**
 * What {@code verdant plan --backtest} found: per decision, the carbon and cost (on the actuals) of
 * running at the nominal time against the window planned from the forecasts issued before the
 * decision, and the totals.
 *
 * @param deadline the deadline after each decision, as given
 * @param currency of the costs, or null without a price series
 */
public record BacktestReport(
    int schemaVersion,
    String zone,
    String signals,
    String objective,
    Estimate estimate,
    double pue,
    String from,
    String to,
    String every,
    String at,
    String deadline,
    String currency,
    Totals totals,
    List<Row> decisions) {
  public static final int SCHEMA_VERSION = 1;

  /**
   * One decision.
   *
   * @param nominalStart when the job would have run without a plan (the decision time, or
   *     --not-before after it)
   * @param plannedStart the start the plan chose
   * @param forecastSavingCo2ePercent the carbon saving the forecasts promised
   * @param fallback why the plan ran at the nominal time, or null
   */
  public record Row(
      String decidedAt,
      String nominalStart,
      String plannedStart,
      Double nominalCo2eG,
      Double plannedCo2eG,
      Double savingCo2ePercent,
      Double forecastSavingCo2ePercent,
      Double nominalCost,
      Double plannedCost,
      Double savingCostPercent,
      String fallback) {}

  /** Sums over the decisions (a null sum when a figure is unknown). */
  public record Totals(
      int decisions,
      int fallbacks,
      Double nominalCo2eG,
      Double plannedCo2eG,
      Double savingCo2ePercent,
      Double nominalCost,
      Double plannedCost,
      Double savingCostPercent) {}
}
