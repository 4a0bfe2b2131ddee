package io.verdant.common.grid;

import io.verdant.common.VerdantException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The rows of one zone and signal, and what a decision at a given time may know of them. The rule:
 * a decision at time T uses, for each moment, the latest forecast issued strictly before T that
 * covers it; actuals (rows without issued_at) rank below every forecast.
 *
 * @param currency the currency of a price series, null for carbon intensity
 * @param rows in precedence order: actuals in file order, then forecasts by issue time
 */
public record SignalSeries(String zone, Signal signal, String currency, List<SignalRow> rows) {
  /**
   * The rows of {@code zone} (case-insensitive; rows of {@link SignalFile#ANY_ZONE} match every
   * zone) and {@code signal}, in precedence order: actuals in file order, then forecasts by issue
   * time.
   */
  public static SignalSeries of(List<SignalRow> all, String zone, Signal signal, String label) {
    List<SignalRow> mine = new ArrayList<>();
    for (SignalRow r : all) {
      if (r.signal() == signal
          && (r.zone().equalsIgnoreCase(zone) || r.zone().equals(SignalFile.ANY_ZONE))) {
        mine.add(r);
      }
    }
    TreeSet<String> currencies =
        mine.stream()
            .map(SignalRow::currency)
            .filter(c -> c != null)
            .collect(Collectors.toCollection(TreeSet::new));
    if (currencies.size() > 1) {
      throw VerdantException.of(
          "%s: zone %s has prices in several currencies (%s); give one currency per zone",
          label, zone, String.join(", ", currencies));
    }
    mine.sort(Comparator.comparingLong(r -> r.isForecast() ? r.issuedAtMs() : Curve.ACTUAL));
    return new SignalSeries(
        zone, signal, currencies.isEmpty() ? null : currencies.first(), List.copyOf(mine));
  }

  /**
   * As {@link #of}, failing when the file has no such rows: {@code neededBy} (an option) says what
   * needs them.
   */
  public static SignalSeries require(
      List<SignalRow> all, String zone, Signal signal, String label, String neededBy) {
    SignalSeries s = of(all, zone, signal, label);
    if (s.isEmpty()) {
      throw VerdantException.of(
          "%s has no %s rows for zone %s (zones in the file: %s); %s needs them",
          label, signal, zone, String.join(", ", zones(all)), neededBy);
    }
    return s;
  }

  /** The zones of a file's rows, for messages. */
  public static Set<String> zones(List<SignalRow> all) {
    return all.stream().map(SignalRow::zone).collect(Collectors.toCollection(TreeSet::new));
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /** What a decision at {@code decisionMs} knows: forecasts issued before it over actuals. */
  public Curve knownAt(long decisionMs) {
    return Curve.paint(
        rows.stream().filter(r -> !r.isForecast() || r.issuedAtMs() < decisionMs).toList());
  }

  /**
   * Only the forecasts issued before {@code decisionMs} (a back-test's view: the actuals are what
   * it is scored on).
   */
  public Curve forecastsAt(long decisionMs) {
    return Curve.paint(
        rows.stream().filter(r -> r.isForecast() && r.issuedAtMs() < decisionMs).toList());
  }

  /** The actuals alone. */
  public Curve actuals() {
    return Curve.paint(rows.stream().filter(r -> !r.isForecast()).toList());
  }
}
