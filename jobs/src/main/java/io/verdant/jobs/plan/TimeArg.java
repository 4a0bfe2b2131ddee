package io.verdant.jobs.plan;

import io.verdant.common.VerdantException;
import io.verdant.common.grid.Times;
import java.time.format.DateTimeParseException;

/**
 * A time option: an instant ({@code 2026-03-02T06:00:00Z}), or a duration after the decision
 * ({@code 12h}, {@code +12h}, {@code PT12H}).
 *
 * @param atMs the instant, or null for a duration
 * @param afterMs the duration after the decision, or null for an instant
 */
public record TimeArg(String text, Long atMs, Long afterMs) {
  public static TimeArg parse(String option, String s) {
    String t = s.trim().startsWith("+") ? s.trim().substring(1) : s.trim();
    try {
      return new TimeArg(s, null, Times.duration(t));
    } catch (IllegalArgumentException e) {
      // not a duration: an instant
    }
    try {
      return new TimeArg(s, Times.instant(t), null);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw VerdantException.of(
          "%s must be an ISO-8601 time with Z or an offset (2026-03-02T06:00:00Z) or a duration"
              + " after the decision (12h, PT12H), cannot be: %s",
          option, s);
    }
  }

  public boolean isRelative() {
    return afterMs != null;
  }

  /** The instant this option means for a decision at {@code decisionMs}. */
  public long at(long decisionMs) {
    return atMs != null ? atMs : decisionMs + afterMs;
  }
}
