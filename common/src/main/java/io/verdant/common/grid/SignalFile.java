package io.verdant.common.grid;

import io.verdant.common.VerdantException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads grid series from a local path or any Hadoop filesystem URI, in one of four formats chosen
 * by the name and the first line: Verdant's signal CSV, the same columns in Parquet (a file or a
 * directory of part files), the Carbon Aware SDK's JSON emissions file ({@code .json}), or the
 * ledger's {@code timestamp,g_per_kwh} CSV.
 */
public final class SignalFile {
  /** The option that names signal files, for error messages. */
  public static final String OPTION = "--signals";

  /**
   * The zone of rows from a file without zones (the ledger's CSV): they apply to any zone asked
   * for.
   */
  public static final String ANY_ZONE = "*";

  private SignalFile() {}

  public static List<SignalRow> read(String file, Configuration conf) {
    return read(file, conf, OPTION);
  }

  /** Every row of {@code file}; errors name {@code option}, the file and the line or row. */
  public static List<SignalRow> read(String file, Configuration conf, String option) {
    Path p = new Path(file);
    String label = option + " " + file;
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw VerdantException.of("%s file does not exist: %s", option, file);
      }
      List<SignalRow> rows = format(fs, p).read(fs, p, new SignalFormat.Source(option, file));
      if (rows.isEmpty()) {
        throw VerdantException.of("%s has no rows", label);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + label, e);
    }
  }

  private static SignalFormat format(FileSystem fs, Path p) throws IOException {
    String name = p.getName().toLowerCase(Locale.ROOT);
    if (fs.getFileStatus(p).isDirectory() || name.endsWith(".parquet")) {
      return new ParquetSignals();
    }
    if (name.endsWith(".json")) {
      return new CarbonAwareJson();
    }
    return LedgerIntensityCsv.HEADER.equals(firstLine(fs, p))
        ? new LedgerIntensityCsv()
        : new SignalCsv();
  }

  /** The first line that is neither blank nor a comment, without spaces, lower case. */
  private static String firstLine(FileSystem fs, Path p) throws IOException {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank() && !line.startsWith("#")) {
          return line.replace(" ", "").toLowerCase(Locale.ROOT);
        }
      }
      return "";
    }
  }

  /**
   * The ends of a series given only by start times (sorted): each value lasts until the next start,
   * the last one for the series' median step.
   */
  static long[] endsOfSteps(long[] starts, String label) {
    if (starts.length < 2) {
      throw VerdantException.of(
          "%s: a series of one time cannot say how long its value lasts; give at least two times",
          label);
    }
    long[] steps = new long[starts.length - 1];
    long[] ends = new long[starts.length];
    for (int i = 0; i + 1 < starts.length; i++) {
      steps[i] = starts[i + 1] - starts[i];
      ends[i] = starts[i + 1];
    }
    Arrays.sort(steps);
    ends[starts.length - 1] = starts[starts.length - 1] + steps[steps.length / 2];
    return ends;
  }
}
