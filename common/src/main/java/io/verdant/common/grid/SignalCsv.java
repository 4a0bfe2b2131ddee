package io.verdant.common.grid;

import io.verdant.common.Checks;
import io.verdant.common.VerdantException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Verdant's signal CSV: a header naming the columns (any order, see {@link SignalColumns}), one row
 * per value, fields separated by commas without quoting; blank lines and lines starting with {@code
 * #} are skipped.
 */
final class SignalCsv implements SignalFormat {
  @Override
  public List<SignalRow> read(FileSystem fs, Path path, Source source) throws IOException {
    String label = source.label();
    List<SignalRow> rows = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
      List<String> header = null;
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String where = label + " line " + n;
        if (header == null) {
          header =
              Arrays.stream(line.split(",", -1))
                  .map(s -> s.trim().toLowerCase(Locale.ROOT))
                  .toList();
          SignalColumns.check(header, where);
          continue;
        }
        rows.add(row(header, line, where));
      }
    }
    return rows;
  }

  private static SignalRow row(List<String> header, String line, String where) {
    String[] f = line.split(",", -1);
    if (f.length != header.size()) {
      throw VerdantException.of(
          "%s must have %d fields like the header, cannot be: %s", where, header.size(), line);
    }
    Signal signal = Signal.parse(field(header, f, SignalColumns.SIGNAL), where);
    String from = field(header, f, SignalColumns.VALID_FROM);
    String to = field(header, f, SignalColumns.VALID_TO);
    String duration = field(header, f, SignalColumns.DURATION);
    String value = field(header, f, SignalColumns.VALUE);
    String issued = field(header, f, SignalColumns.ISSUED_AT);
    return SignalRow.checked(
        where,
        field(header, f, SignalColumns.ZONE),
        signal,
        field(header, f, SignalColumns.CURRENCY),
        time(from, SignalColumns.VALID_FROM, where),
        to == null ? null : time(to, SignalColumns.VALID_TO, where),
        duration == null ? null : duration(duration, where),
        number(value, where),
        issued == null ? null : time(issued, SignalColumns.ISSUED_AT, where));
  }

  /** The trimmed field of a column, or null when the column is absent or the field empty. */
  private static String field(List<String> header, String[] f, String column) {
    int i = header.indexOf(column);
    return i < 0 || f[i].isBlank() ? null : f[i].trim();
  }

  static long time(String s, String column, String where) {
    if (s == null) {
      throw VerdantException.of("%s: %s must not be empty", where, column);
    }
    return Checks.parse(
        where + ": " + column,
        s,
        Times::instant,
        "an ISO-8601 time with Z or an offset, or epoch seconds");
  }

  static long duration(String s, String where) {
    return Checks.parse(
        where + ": duration", s, Times::duration, "ISO-8601 (PT1H) or like 1h, 30m");
  }

  private static double number(String s, String where) {
    try {
      return Double.parseDouble(s == null ? "" : s);
    } catch (NumberFormatException e) {
      throw VerdantException.of(
          "%s: value must be a number, cannot be: '%s'", where, s == null ? "" : s);
    }
  }
}
