package io.verdant.common;

import java.time.DateTimeException;
import java.util.Collection;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

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

  /** Fails unless {@code ok}: "{@code <option> must be <rule>, cannot be: <value>}". */
  private static void rule(boolean ok, String option, String rule, Object value) {
    checkArgument(ok, "%s must be %s, cannot be: %s", option, rule, value);
  }

  public static void atLeast(String option, long value, long min) {
    rule(value >= min, option, "at least " + min, value);
  }

  /** min <= value, finite; NaN fails. */
  public static void atLeast(String option, double value, double min) {
    rule(Double.isFinite(value) && value >= min, option, "at least " + number(min), value);
  }

  /** min < value, finite; NaN fails. */
  public static void greaterThan(String option, double value, double min) {
    rule(Double.isFinite(value) && value > min, option, "greater than " + number(min), value);
  }

  public static void between(String option, long value, long min, long max) {
    rule(value >= min && value <= max, option, "between " + min + " and " + max, value);
  }

  /** min <= value <= max; NaN fails. */
  public static void between(String option, double value, double min, double max) {
    rule(
        value >= min && value <= max,
        option,
        "between " + number(min) + " and " + number(max),
        value);
  }

  /** 0 < value <= max; NaN fails. */
  public static void positiveAtMost(String option, double value, double max) {
    rule(value > 0 && value <= max, option, "greater than 0 and at most " + number(max), value);
  }

  /** min <= value < max; NaN fails. */
  public static void atLeastAndBelow(String option, double value, double min, double max) {
    rule(
        value >= min && value < max,
        option,
        "at least " + number(min) + " and less than " + number(max),
        value);
  }

  public static void oneOf(String option, String value, Collection<String> allowed) {
    rule(allowed.contains(value), option, "one of " + allowed, value);
  }

  /** {@code value}, which must be non-null and match {@code pattern}, described by {@code rule}. */
  public static String matches(String option, String value, Pattern pattern, String rule) {
    rule(value != null && pattern.matcher(value).matches(), option, rule, value);
    return value;
  }

  /**
   * {@code value} parsed by {@code parser}; a value it refuses (an {@link IllegalArgumentException}
   * or {@link DateTimeException}) fails as "{@code <what> must be <rule>, cannot be: <value>}".
   */
  public static long parse(String what, String value, ToLongFunction<String> parser, String rule) {
    try {
      return parser.applyAsLong(value);
    } catch (IllegalArgumentException | DateTimeException e) {
      throw VerdantException.of("%s must be %s, cannot be: %s", what, rule, value);
    }
  }

  /** A number as a user writes it: 100 rather than 100.0. */
  public static String number(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d)
        ? String.valueOf((long) d)
        : String.valueOf(d);
  }
}
