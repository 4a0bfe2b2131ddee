package io.verdant.common;

import java.util.Collection;

/**
 * Option rules, declared once: each check throws a {@link VerdantException} whose message names the
 * option, the rule and the value ({@code --epochs must be at least 1, cannot be: 0}), as every
 * command's {@code validate()} reports them.
 */
public final class Checks {
  private Checks() {}

  /** Fails with the formatted message unless {@code ok}. */
  public static void checkArgument(boolean ok, String format, Object... args) {
    if (!ok) {
      throw VerdantException.of(format, args);
    }
  }

  public static void atLeast(String option, long value, long min) {
    checkArgument(value >= min, "%s must be at least %d, cannot be: %d", option, min, value);
  }

  /** min <= value, finite; NaN fails. */
  public static void atLeast(String option, double value, double min) {
    checkArgument(
        Double.isFinite(value) && value >= min,
        "%s must be at least %s, cannot be: %s",
        option,
        number(min),
        value);
  }

  /** min < value, finite; NaN fails. */
  public static void greaterThan(String option, double value, double min) {
    checkArgument(
        Double.isFinite(value) && value > min,
        "%s must be greater than %s, cannot be: %s",
        option,
        number(min),
        value);
  }

  public static void between(String option, long value, long min, long max) {
    checkArgument(
        value >= min && value <= max,
        "%s must be between %d and %d, cannot be: %d",
        option,
        min,
        max,
        value);
  }

  /** min <= value <= max; NaN fails. */
  public static void between(String option, double value, double min, double max) {
    checkArgument(
        value >= min && value <= max,
        "%s must be between %s and %s, cannot be: %s",
        option,
        number(min),
        number(max),
        value);
  }

  /** 0 < value <= max; NaN fails. */
  public static void positiveAtMost(String option, double value, double max) {
    checkArgument(
        value > 0 && value <= max,
        "%s must be greater than 0 and at most %s, cannot be: %s",
        option,
        number(max),
        value);
  }

  /** min <= value < max; NaN fails. */
  public static void atLeastAndBelow(String option, double value, double min, double max) {
    checkArgument(
        value >= min && value < max,
        "%s must be at least %s and less than %s, cannot be: %s",
        option,
        number(min),
        number(max),
        value);
  }

  public static void oneOf(String option, String value, Collection<String> allowed) {
    checkArgument(
        allowed.contains(value), "%s must be one of %s, cannot be: %s", option, allowed, value);
  }

  /** A number as a user writes it: 100 rather than 100.0. */
  public static String number(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d)
        ? String.valueOf((long) d)
        : String.valueOf(d);
  }
}
