package io.verdant.jobs.plan;

import io.verdant.common.VerdantException;
import io.verdant.common.grid.Signal;
import io.verdant.common.grid.SignalSeries;
import io.verdant.common.grid.Times;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Replays a signal file: at each decision time the planner sees only the forecasts issued before
 * it; the nominal run (at the decision time, or --not-before after it) and the planned one are then
 * both scored on the actuals.
 *
 * @param carbon the carbon intensity series, or null when the signal file has none for the zone
 *     (and the objective does not need it); likewise {@code price}
 */
public record Backtest(
    Planner planner,
    Objective objective,
    SignalSeries carbon,
    SignalSeries price,
    double pue,
    String zone,
    String signals) {
  /**
   * When decisions happen: every {@code everyMs} from {@code fromMs} (from the first {@code at} UTC
   * time of day at or after {@code fromMs}, when given) until before {@code toMs}.
   */
  public record Schedule(long fromMs, long toMs, long everyMs, LocalTime at) {
    public List<Long> decisions() {
      long first = fromMs;
      if (at != null) {
        ZonedDateTime day = Instant.ofEpochMilli(fromMs).atZone(ZoneOffset.UTC);
        ZonedDateTime t = day.toLocalDate().atTime(at).atZone(ZoneOffset.UTC);
        first =
            (t.toInstant().toEpochMilli() < fromMs ? t.plusDays(1) : t).toInstant().toEpochMilli();
      }
      List<Long> out = new ArrayList<>();
      for (long t = first; t < toMs; t += everyMs) {
        out.add(t);
      }
      return out;
    }
  }

  public List<BacktestReport.Row> run(
      Schedule schedule, PowerProfile profile, TimeArg notBefore, TimeArg deadline) {
    Grid actual = grid(SignalSeries::actuals);
    List<BacktestReport.Row> rows = new ArrayList<>();
    for (long t : schedule.decisions()) {
      Grid forecast = grid(s -> s.forecastsAt(t));
      long earliest = notBefore == null ? t : Math.max(t, notBefore.at(t));
      Planner.Decision d = planner.decide(forecast, profile, t, earliest, deadline.at(t));
      Footprint nominal = scored(actual, profile, d.earliestMs(), t);
      Footprint planned = scored(actual, profile, d.startMs(), t);
      rows.add(
          new BacktestReport.Row(
              Times.iso(t),
              Times.iso(d.earliestMs()),
              Times.iso(d.startMs()),
              nominal.co2eG(),
              planned.co2eG(),
              Footprint.savingPercent(nominal.co2eG(), planned.co2eG()),
              Footprint.savingPercent(d.runNow().co2eG(), d.planned().co2eG()),
              nominal.cost(),
              planned.cost(),
              Footprint.savingPercent(nominal.cost(), planned.cost()),
              d.fallback()));
    }
    return rows;
  }

  public static BacktestReport.Totals totals(List<BacktestReport.Row> rows) {
    Double nominalG = sum(rows, BacktestReport.Row::nominalCo2eG);
    Double plannedG = sum(rows, BacktestReport.Row::plannedCo2eG);
    Double nominalCost = sum(rows, BacktestReport.Row::nominalCost);
    Double plannedCost = sum(rows, BacktestReport.Row::plannedCost);
    return new BacktestReport.Totals(
        rows.size(),
        (int) rows.stream().filter(r -> r.fallback() != null).count(),
        nominalG,
        plannedG,
        Footprint.savingPercent(nominalG, plannedG),
        nominalCost,
        plannedCost,
        Footprint.savingPercent(nominalCost, plannedCost));
  }

  private Grid grid(Function<SignalSeries, io.verdant.common.grid.Curve> view) {
    return new Grid(
        carbon == null ? null : view.apply(carbon),
        price == null ? null : view.apply(price),
        price == null ? null : price.currency(),
        pue);
  }

  /** A run scored on the actuals; the objective's figures must be known. */
  private Footprint scored(Grid actual, PowerProfile profile, long start, long decision) {
    Footprint f = Footprint.of(actual, profile, start);
    for (Signal s : objective.signals()) {
      if ((s == Signal.CARBON_INTENSITY ? f.co2eG() : f.cost()) == null) {
        throw VerdantException.of(
            "--backtest: the actual %s values of zone %s in %s do not cover %s to %s (decision at"
                + " %s); a back-test scores every decision on the actuals (rows without issued_at)",
            s, zone, signals, Times.iso(f.startMs()), Times.iso(f.endMs()), Times.iso(decision));
      }
    }
    return f;
  }

  private static Double sum(List<BacktestReport.Row> rows, Function<BacktestReport.Row, Double> f) {
    double s = 0;
    for (BacktestReport.Row r : rows) {
      if (f.apply(r) == null) {
        return null;
      }
      s += f.apply(r);
    }
    return s;
  }
}
