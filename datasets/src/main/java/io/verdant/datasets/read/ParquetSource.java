package io.verdant.datasets.read;

import io.verdant.common.VerdantException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Parquet file or folder with a label column ({@code --label-column}) and either a column named
 * {@code features} (an array of numbers or a Spark ML vector; every other column is ignored) or,
 * without one, numeric feature columns (every column but the label, in schema order). Labels may be
 * numbers or strings. Rows are numbered in the order Spark reads the files; errors name that row
 * number and the column.
 */
public final class ParquetSource extends TabularSource<Row> {
  public static final String FEATURES = "features";

  private final String labelColumn;

  /**
   * @param test the test file or folder, or null to let ingest carve the test split
   * @param task the task, or null for auto
   */
  public ParquetSource(String train, String test, String labelColumn, TaskType task) {
    super("parquet", "no rows", train, test, task);
    this.labelColumn = labelColumn;
  }

  /**
   * How an input is laid out, decided from its schema: the features (one array column, or numeric
   * columns), whether it has the label column, and the key column passed through (null for none).
   */
  record Layout(boolean array, String[] columns, int featureCount, boolean labeled, String key)
      implements java.io.Serializable {
    Layout sized(int n) {
      return new Layout(array, columns, n, labeled, key);
    }
  }

  @Override
  Opened<Row> open(SparkSession spark, Configuration conf) {
    Dataset<Row> trainDf = load(spark, train, conf);
    Layout layout = layout(train, trainDf, labelColumn, true, null);
    JavaRDD<Row> trainRows = select(trainDf, layout, labelColumn).javaRDD();
    int n = layout.array() ? firstSize(train, trainRows) : layout.columns().length;
    JavaRDD<Row> testRows = null;
    if (test != null) {
      Dataset<Row> testDf = load(spark, test, conf);
      Layout tl = layout(test, testDf, labelColumn, true, null);
      if (tl.array() != layout.array() || !Arrays.equals(tl.columns(), layout.columns())) {
        throw VerdantException.of(
            "%s: the feature columns differ from the training input's (%s): expected %s, found %s",
            test, train, describe(layout), describe(tl));
      }
      testRows = select(testDf, tl, labelColumn).javaRDD();
    }
    Parser parser = new Parser(layout.sized(n), "column \"" + labelColumn + "\"");
    return new Opened<>(
        trainRows, testRows, parser, "row", n, layout.array() ? null : List.of(layout.columns()));
  }

  static Dataset<Row> load(SparkSession spark, String path, Configuration conf) {
    InputFiles.requireExists(path, conf);
    try {
      return spark.read().parquet(path);
    } catch (Exception e) {
      if (e instanceof AnalysisException || VerdantException.find(e) == null) {
        throw VerdantException.of(
            "%s: cannot read as Parquet: %s", path, firstLine(e.getMessage()));
      }
      throw e;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * The layout of an input's schema. Without a {@code features} column, every column but the label
   * and key columns is a feature and must be numeric.
   *
   * @param labelRequired whether a missing label column is an error (ingest) or means unlabeled
   *     rows (scoring)
   * @param keyColumn a column passed through with each row, or null
   */
  static Layout layout(
      String path, Dataset<Row> df, String labelColumn, boolean labelRequired, String keyColumn) {
    StructType schema = df.schema();
    List<String> names = Arrays.asList(schema.fieldNames());
    boolean labeled = names.contains(labelColumn);
    if (!labeled && labelRequired) {
      throw VerdantException.of(
          "%s: no label column \"%s\" (columns: %s); name it with --label-column",
          path, labelColumn, String.join(", ", names));
    }
    if (keyColumn != null && !names.contains(keyColumn)) {
      throw VerdantException.of(
          "%s: no key column \"%s\" (columns: %s); name it with --key-column",
          path, keyColumn, String.join(", ", names));
    }
    if (names.contains(FEATURES) && !FEATURES.equals(labelColumn) && !FEATURES.equals(keyColumn)) {
      DataType t = schema.apply(FEATURES).dataType();
      boolean ok =
          t instanceof VectorUDT
              || (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof NumericType);
      if (!ok) {
        throw VerdantException.of(
            "%s: column \"%s\" is %s; it must be an array of numbers or a Spark ML vector",
            path, FEATURES, t.simpleString());
      }
      return new Layout(true, new String[] {FEATURES}, 0, labeled, keyColumn);
    }
    List<String> cols = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (f.name().equals(labelColumn) || f.name().equals(keyColumn)) {
        continue;
      }
      if (!(f.dataType() instanceof NumericType)) {
        throw VerdantException.of(
            "%s: column \"%s\" is %s, not numeric; the features must be numeric columns or one"
                + " array or vector column named \"%s\"",
            path, f.name(), f.dataType().simpleString(), FEATURES);
      }
      cols.add(f.name());
    }
    if (cols.isEmpty()) {
      throw VerdantException.of(
          "%s: no feature columns besides the label column \"%s\"", path, labelColumn);
    }
    return new Layout(false, cols.toArray(new String[0]), cols.size(), labeled, keyColumn);
  }

  private static String describe(Layout l) {
    return l.array()
        ? "an array column \"" + FEATURES + "\""
        : "columns " + String.join(", ", l.columns());
  }

  /**
   * label as a string (numbers print as Spark casts them; null when unlabeled), then the features
   * as array<double> or doubles, then the key column as it is.
   */
  static Dataset<Row> select(Dataset<Row> df, Layout l, String labelColumn) {
    List<Column> cols = new ArrayList<>();
    cols.add(
        l.labeled()
            ? functions.col(labelColumn).cast("string")
            : functions.lit(null).cast("string"));
    if (l.array()) {
      DataType t = df.schema().apply(FEATURES).dataType();
      cols.add(
          t instanceof VectorUDT
              ? org.apache.spark.ml.functions.vector_to_array(functions.col(FEATURES), "float64")
              : functions.col(FEATURES).cast("array<double>"));
    } else {
      for (String c : l.columns()) {
        cols.add(functions.col(c).cast("double"));
      }
    }
    if (l.key() != null) {
      cols.add(functions.col(l.key()));
    }
    return df.select(cols.toArray(new Column[0]));
  }

  static int firstSize(String path, JavaRDD<Row> rows) {
    List<Row> first = rows.filter(r -> !r.isNullAt(1)).take(1);
    if (first.isEmpty()) {
      if (rows.isEmpty()) {
        throw VerdantException.of("%s: empty input: no rows", path);
      }
      throw VerdantException.of("%s: every row has a null \"%s\"", path, FEATURES);
    }
    int n = first.get(0).getList(1).size();
    if (n == 0) {
      throw VerdantException.of(
          "%s: the first row's \"%s\" is empty; at least one feature is needed", path, FEATURES);
    }
    return n;
  }

  /**
   * Parses a selected row ({@link #select}) into its features, label token and key.
   *
   * @param labelName the label column as messages name it
   */
  record Parser(Layout layout, String labelName) implements TabularScan.Parser<Row> {
    @Override
    public TabularScan.Parsed parse(Row r, boolean firstOfInput) throws RowDefect {
      int n = layout.featureCount();
      float[] x = new float[n];
      if (layout.array()) {
        String col = "column \"" + FEATURES + "\"";
        if (r.isNullAt(1)) {
          throw new RowDefect(0, col, "null value");
        }
        List<Object> v = r.getList(1);
        if (v.size() != n) {
          throw new RowDefect(0, col, v.size() + " values, expected " + n + " as in the first row");
        }
        for (int k = 0; k < n; k++) {
          Object e = v.get(k);
          if (e == null) {
            throw new RowDefect(0, col, "null value at position " + (k + 1));
          }
          double d = (Double) e;
          float f = (float) d;
          if (Double.isNaN(d) || Float.isInfinite(f)) {
            throw new RowDefect(0, col, "NaN or infinite value at position " + (k + 1) + ": " + d);
          }
          x[k] = f;
        }
      } else {
        for (int k = 0; k < n; k++) {
          String col = "column \"" + layout.columns()[k] + "\"";
          if (r.isNullAt(k + 1)) {
            throw new RowDefect(0, col, "null value");
          }
          double d = r.getDouble(k + 1);
          float f = (float) d;
          if (Double.isNaN(d) || Float.isInfinite(f)) {
            throw new RowDefect(0, col, "NaN or infinite value: " + d);
          }
          x[k] = f;
        }
      }
      if (layout.labeled() && r.isNullAt(0)) {
        throw new RowDefect(0, labelColumnName(), "null label");
      }
      Object key = layout.key() == null ? null : r.get(layout.array() ? 2 : n + 1);
      return new TabularScan.Parsed(x, null, null, layout.labeled() ? r.getString(0) : null, key);
    }

    @Override
    public int labelColumn() {
      return 0;
    }

    @Override
    public String labelColumnName() {
      return labelName;
    }
  }
}
