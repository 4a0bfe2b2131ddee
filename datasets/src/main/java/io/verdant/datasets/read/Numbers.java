package io.verdant.datasets.read;

/** Strict parsing of numbers in text inputs (CSV, LibSVM), with the defect a bad value gets. */
final class Numbers {
  private Numbers() {}

  /**
   * The value of {@code s} (already trimmed), or null when it is not a decimal number. {@code NaN},
   * {@code inf}, {@code infinity} (any case, signed) give NaN or an infinity, so callers can tell
   * "not a number" from "NaN or infinite". Java's suffixes ({@code 1f}, {@code 2d}) are refused.
   */
  static Double parse(String s) {
    if (s.isEmpty()) {
      return null;
    }
    char last = s.charAt(s.length() - 1);
    if ((last >= '0' && last <= '9') || last == '.') {
      char first = s.charAt(0);
      if (!((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.')) {
        return null;
      }
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    String u = s.toLowerCase(java.util.Locale.ROOT);
    String body = u.startsWith("-") || u.startsWith("+") ? u.substring(1) : u;
    if (body.equals("nan")) {
      return Double.NaN;
    }
    if (body.equals("inf") || body.equals("infinity")) {
      return u.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return null;
  }

  /** A feature value as a float, or a {@link RowDefect} naming the column. */
  static float feature(String raw, int column, String columnName) throws RowDefect {
    String s = raw.trim();
    if (s.isEmpty()) {
      throw new RowDefect(column, columnName, "empty value");
    }
    Double v = parse(s);
    if (v == null) {
      throw new RowDefect(column, columnName, "not a number: \"" + s + "\"");
    }
    return finite(v, s, column, columnName);
  }

  static float finite(double v, String shown, int column, String columnName) throws RowDefect {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new RowDefect(column, columnName, "NaN or infinite value: \"" + shown + "\"");
    }
    float f = (float) v;
    if (Float.isInfinite(f)) {
      throw new RowDefect(
          column, columnName, "value " + shown + " is beyond the 32-bit float range");
    }
    return f;
  }
}
