package io.verdant.common.grid;

import io.verdant.common.VerdantException;

/**
 * One value of a grid series: {@code value} holds over [{@code fromMs}, {@code toMs}) in {@code
 * zone}. A row with {@code issuedAtMs} is a forecast issued at that time; a row without it is an
 * actual (or a schedule known in advance, such as a tariff).
 *
 * @param currency ISO 4217 code of a price (per MWh); null for carbon intensity
 * @param issuedAtMs when the forecast was issued (epoch ms), or null for an actual
 */
public record SignalRow(
    String zone,
    Signal signal,
    String currency,
    long fromMs,
    long toMs,
    double value,
    Long issuedAtMs) {

  /**
   * A row checked against the format's rules; {@code where} ("--signals FILE line N") starts every
   * error.
   *
   * @param toMs the end, or null when {@code durationMs} gives it
   * @param durationMs the length, or null when {@code toMs} gives it
   */
  public static SignalRow checked(
      String where,
      String zone,
      Signal signal,
      String currency,
      long fromMs,
      Long toMs,
      Long durationMs,
      double value,
      Long issuedAtMs) {
    if (zone == null || zone.isBlank()) {
      throw VerdantException.of("%s: zone must not be empty", where);
    }
    if ((toMs == null) == (durationMs == null)) {
      throw VerdantException.of("%s: give exactly one of valid_to and duration", where);
    }
    long end = toMs != null ? toMs : fromMs + durationMs;
    if (end <= fromMs) {
      throw VerdantException.of(
          "%s: the interval must end after it starts (valid_from %s), cannot end at %s",
          where, java.time.Instant.ofEpochMilli(fromMs), java.time.Instant.ofEpochMilli(end));
    }
    if (!Double.isFinite(value) || (signal == Signal.CARBON_INTENSITY && value < 0)) {
      throw VerdantException.of(
          "%s: a %s value must be a %snumber, cannot be: %s",
          where, signal, signal == Signal.CARBON_INTENSITY ? "non-negative " : "finite ", value);
    }
    String cur = currency == null || currency.isBlank() ? null : currency.trim();
    if (signal == Signal.PRICE && (cur == null || !cur.matches("[A-Za-z]{3}"))) {
      throw VerdantException.of(
          "%s: a price needs its currency as a 3-letter ISO 4217 code (e.g. EUR), cannot be: '%s'",
          where, currency == null ? "" : currency);
    }
    return new SignalRow(
        zone.trim(),
        signal,
        signal == Signal.PRICE ? cur.toUpperCase(java.util.Locale.ROOT) : null,
        fromMs,
        end,
        value,
        issuedAtMs);
  }

  public boolean isForecast() {
    return issuedAtMs != null;
  }
}
