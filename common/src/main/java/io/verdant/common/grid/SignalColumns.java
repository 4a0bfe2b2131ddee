package io.verdant.common.grid;

import io.verdant.common.VerdantException;
import java.util.List;

/** The columns of Verdant's signal files (CSV and Parquet alike), checked once per file. */
final class SignalColumns {
  static final String ZONE = "zone";
  static final String SIGNAL = "signal";
  static final String VALID_FROM = "valid_from";
  static final String VALID_TO = "valid_to";
  static final String DURATION = "duration";
  static final String VALUE = "value";
  static final String CURRENCY = "currency";
  static final String ISSUED_AT = "issued_at";
  static final List<String> ALL =
      List.of(ZONE, SIGNAL, VALID_FROM, VALID_TO, DURATION, VALUE, CURRENCY, ISSUED_AT);
  private static final List<String> REQUIRED = List.of(ZONE, SIGNAL, VALID_FROM, VALUE);

  private SignalColumns() {}

  /**
   * Every name must be a known column; the required ones, and valid_to or duration, must be there.
   */
  static void check(List<String> names, String where) {
    for (String n : names) {
      if (!ALL.contains(n)) {
        throw VerdantException.of(
            "%s: unknown column '%s'; the columns are %s", where, n, String.join(", ", ALL));
      }
    }
    for (String r : REQUIRED) {
      if (!names.contains(r)) {
        throw VerdantException.of(
            "%s: the column '%s' is missing (columns: %s)", where, r, String.join(", ", names));
      }
    }
    if (!names.contains(VALID_TO) && !names.contains(DURATION)) {
      throw VerdantException.of(
          "%s: give the column valid_to or duration (columns: %s)",
          where, String.join(", ", names));
    }
  }
}
