package io.verdant.datasets.read;

import io.verdant.common.VerdantException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * A CSV file, with a header line naming the columns or, without one, columns named {@code c0..cN}
 * by position. The label column is named by {@code --label-column}, or given by its 0-based index;
 * every other column is a numeric feature. Lines are read and parsed on the executors ({@code
 * textFile}, several partitions); only per-partition summaries reach the driver. Blank lines are
 * skipped; fields may be double-quoted. A .gz file is read as one partition. Features are left as
 * read: ingest standardizes them with train-split statistics.
 */
public final class CsvSource extends TabularSource<String> {
  private final String labelColumn;
  private final int minPartitions;
  private final boolean header;

  /**
   * A file with a header line (see {@link #withHeader}).
   *
   * @param test the test file, or null to let ingest carve the test split
   * @param labelColumn the label column's name, or its 0-based index
   * @param task the task, or null for auto
   * @param minPartitions the least number of partitions per file; 0 uses Spark's default
   *     parallelism
   */
  public CsvSource(
      String train, String test, String labelColumn, TaskType task, int minPartitions) {
    this(train, test, labelColumn, task, minPartitions, true);
  }

  private CsvSource(
      String train,
      String test,
      String labelColumn,
      TaskType task,
      int minPartitions,
      boolean header) {
    super("csv", header ? "no data rows after the header" : "no data rows", train, test, task);
    this.labelColumn = labelColumn;
    this.minPartitions = minPartitions;
    this.header = header;
  }

  /**
   * This source, reading files whose first line is a header ({@code true}) or already a data row.
   */
  public CsvSource withHeader(boolean header) {
    return new CsvSource(train, test, labelColumn, task, minPartitions, header);
  }

  @Override
  Opened<String> open(SparkSession spark, Configuration conf) {
    String[] columns = columns(train, conf);
    int label = labelIndex(columns);
    if (columns.length < 2) {
      throw VerdantException.of(
          "%s: the %s has only the label column \"%s\"; at least one feature column is needed",
          train, header ? "header" : "first line", columns[label]);
    }
    if (test != null) {
      String[] tc = columns(test, conf);
      if (!Arrays.equals(tc, columns)) {
        throw header
            ? VerdantException.of(
                "%s: the header differs from the training file's (%s): expected %s, found %s",
                test, train, String.join(",", columns), String.join(",", tc))
            : VerdantException.of(
                "%s: the first line has %d fields, the training file's (%s) has %d",
                test, tc.length, train, columns.length);
      }
    }
    return new Opened<>(
        lines(spark, train, minPartitions),
        test == null ? null : lines(spark, test, minPartitions),
        new Parser(columns, label, -1, header),
        "line",
        columns.length - 1,
        header ? featureNames(columns, label, -1) : null);
  }

  /**
   * The label's position: a column named {@code --label-column}, else the column at that 0-based
   * index.
   */
  private int labelIndex(String[] columns) {
    int i = Arrays.asList(columns).indexOf(labelColumn);
    if (i < 0
        && labelColumn.matches("\\d{1,9}")
        && Integer.parseInt(labelColumn) < columns.length) {
      i = Integer.parseInt(labelColumn);
    }
    if (i >= 0) {
      return i;
    }
    if (header) {
      throw VerdantException.of(
          "%s: no label column \"%s\" in the header (columns: %s); name it with --label-column",
          train, labelColumn, String.join(", ", columns));
    }
    throw VerdantException.of(
        "%s: no label column \"%s\" (without a header the columns are c0..c%d, or 0..%d by index);"
            + " name it with --label-column",
        train, labelColumn, columns.length - 1, columns.length - 1);
  }

  /** The column names of a file with a header line. */
  static String[] header(String path, Configuration conf) {
    return new CsvSource(path, null, "", null, 0, true).columns(path, conf);
  }

  /**
   * The feature columns' names: the columns without the label and key columns (either may be -1:
   * absent).
   */
  static List<String> featureNames(String[] columns, int label, int key) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      if (i != label && i != key) {
        names.add(columns[i]);
      }
    }
    return names;
  }

  /** The column names: the header's, or c0..cN for the fields of the first line. */
  private String[] columns(String path, Configuration conf) {
    InputFiles.requireFile(path, "csv", conf);
    String line = InputFiles.firstLine(path, conf);
    if (line != null && line.startsWith(BOM)) {
      line = line.substring(1);
    }
    if (line == null || line.isBlank()) {
      throw VerdantException.of(
          "%s: empty input: no %s", path, header ? "header line" : "data on the first line");
    }
    String[] h = split(line);
    for (int i = 0; i < h.length; i++) {
      h[i] = header ? h[i].trim() : "c" + i;
    }
    return h;
  }

  private static final String BOM = "\uFEFF";

  /**
   * Splits a CSV line on commas; a double-quoted field may hold commas, and "" inside quotes is a
   * quote.
   */
  static String[] split(String line) {
    if (line.indexOf('"') < 0) {
      return line.split(",", -1);
    }
    List<String> out = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          sb.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          sb.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(sb.toString());
        sb.setLength(0);
      } else {
        sb.append(c);
      }
    }
    out.add(sb.toString());
    return out.toArray(new String[0]);
  }

  /**
   * Parses a line into its features (every column but the label and key columns), label token and
   * key.
   */
  static final class Parser implements TabularScan.Parser<String> {
    private final String[] columns;
    private final int label;
    private final int key;
    private final boolean header;
    private final int features;

    /**
     * @param label the label column's index, -1 when the input has none; likewise {@code key}
     */
    Parser(String[] columns, int label, int key, boolean header) {
      this.columns = columns;
      this.label = label;
      this.key = key;
      this.header = header;
      this.features = featureNames(columns, label, key).size();
    }

    @Override
    public TabularScan.Parsed parse(String line, boolean firstOfInput) throws RowDefect {
      if ((firstOfInput && header) || line.isBlank()) {
        return null;
      }
      String[] f = split(firstOfInput && line.startsWith(BOM) ? line.substring(1) : line);
      if (f.length != columns.length) {
        throw new RowDefect(
            "expected "
                + columns.length
                + " fields as in the "
                + (header ? "header" : "first line")
                + ", found "
                + f.length);
      }
      float[] x = new float[features];
      for (int i = 0, k = 0; i < f.length; i++) {
        if (i != label && i != key) {
          x[k++] = Numbers.feature(f[i], i + 1, columns[i]);
        }
      }
      return new TabularScan.Parsed(
          x, null, null, label >= 0 ? f[label] : null, key >= 0 ? f[key].trim() : null);
    }

    @Override
    public int labelColumn() {
      return label + 1;
    }

    @Override
    public String labelColumnName() {
      return label >= 0 ? columns[label] : null;
    }
  }
}
