package io.verdant.common.grid;

import io.verdant.common.energy.GridIntensity;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The time and duration notations of signal files and of the planning options. */
public final class Times {
  private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)([dhms])");
  private static final Pattern SHORT_ALL = Pattern.compile("(?:\\d+(?:\\.\\d+)?[dhms])+");

  /** A .NET TimeSpan as the Carbon Aware SDK writes it: [d.]hh:mm[:ss[.fff]]. */
  private static final Pattern TIME_SPAN =
      Pattern.compile("(?:(\\d+)\\.)?(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?");

  private Times() {}

  /**
   * An instant: ISO-8601 with Z or an offset ({@code 2026-03-02T02:00:00Z}), or epoch seconds.
   *
   * @throws DateTimeParseException or NumberFormatException when it is neither
   */
  public static long instant(String s) {
    return GridIntensity.parseTime(s.trim());
  }

  /**
   * A duration in milliseconds: ISO-8601 ({@code PT1H30M}, {@code P1D}) or the short form {@code
   * 1h30m}, {@code 90m}, {@code 1d}, {@code 45s}.
   *
   * @throws IllegalArgumentException when it is neither
   */
  public static long duration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (SHORT_ALL.matcher(t).matches()) {
      double ms = 0;
      Matcher m = SHORT.matcher(t);
      while (m.find()) {
        double v = Double.parseDouble(m.group(1));
        ms +=
            v
                * switch (m.group(2)) {
                  case "d" -> 86_400_000L;
                  case "h" -> 3_600_000L;
                  case "m" -> 60_000L;
                  default -> 1_000L;
                };
      }
      return Math.round(ms);
    }
    try {
      return Duration.parse(s.trim().toUpperCase(Locale.ROOT)).toMillis();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a duration: " + s, e);
    }
  }

  /**
   * A duration in the short form {@link #duration} reads: {@code 3h}, {@code 1h30m}, {@code 1d2h},
   * {@code 45s}.
   */
  public static String format(long ms) {
    long s = Math.round(ms / 1000.0);
    StringBuilder b = new StringBuilder();
    long[] sizes = {86_400, 3_600, 60, 1};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (s >= sizes[i] || (i == sizes.length - 1 && b.length() == 0)) {
        b.append(s / sizes[i]).append(units[i]);
        s %= sizes[i];
      }
    }
    return b.toString();
  }

  /** An instant as ISO-8601 UTC, e.g. {@code 2026-03-02T02:00:00Z}. */
  public static String iso(long ms) {
    return java.time.Instant.ofEpochMilli(ms).toString();
  }

  /**
   * A .NET TimeSpan ({@code 01:00}, {@code 01:00:00}, {@code 1.00:00:00}) in milliseconds.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static long timeSpan(String s) {
    Matcher m = TIME_SPAN.matcher(s.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a TimeSpan: " + s);
    }
    long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    long secs = m.group(4) == null ? 0 : Long.parseLong(m.group(4));
    long ms = m.group(5) == null ? 0 : Math.round(Double.parseDouble("0." + m.group(5)) * 1000);
    return ((days * 24 + Long.parseLong(m.group(2))) * 60 + Long.parseLong(m.group(3))) * 60_000L
        + secs * 1000
        + ms;
  }
}
